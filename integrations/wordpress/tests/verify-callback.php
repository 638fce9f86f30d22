<?php
/**
 * Test driver: check a callback with the plugin's cm_verify.
 *
 * Reads {"headers": {...}, "body_base64": "...", "secrets": [...], "now": int|null}
 * on standard input; prints {"ok": true, "webhook_id": "..."} or {"ok": false, "error": "..."}.
 */

require __DIR__ . '/../comment-moderation/signing.php';

$input = json_decode( stream_get_contents( STDIN ), true );
try {
	$message_id = cm_verify( $input['headers'], base64_decode( $input['body_base64'] ), $input['secrets'], isset( $input['now'] ) ? $input['now'] : time() );
	echo json_encode( array( 'ok' => true, 'webhook_id' => $message_id ) ), "\n";
} catch ( CmSignatureError $error ) {
	echo json_encode( array( 'ok' => false, 'error' => $error->getMessage() ) ), "\n";
}
