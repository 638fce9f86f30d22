<?php
/**
 * Test driver: sign a body with the plugin's cm_sign and post it to the service.
 *
 *   CM_WEBHOOK_SECRET=whsec_… php sign-and-post.php URL BODY_FILE [--tamper] [--webhook-id ID]
 *
 * URL is the service's endpoint (e.g. http://127.0.0.1:8080/v1/comments).
 * --tamper changes one byte of the body after signing. Prints the answer as
 * JSON: {"status", "headers" (lowercase names), "body", "webhook_id"}.
 */

require __DIR__ . '/../comment-moderation/signing.php';

$url    = $argv[1];
$body   = file_get_contents( $argv[2] );
$tamper = in_array( '--tamper', $argv, true );
$given  = array_search( '--webhook-id', $argv, true );
$data   = json_decode( $body, true );

$message_id = false !== $given ? $argv[ $given + 1 ] : cm_message_id( 'https://blog.example', (string) $data['id'], isset( $data['revision'] ) ? $data['revision'] : 1 );
$headers    = cm_request_headers( cm_secrets( getenv( 'CM_WEBHOOK_SECRET' ) ), $message_id, time(), $body );
if ( $tamper ) {
	$body = str_replace( 'the', 'thy', $body );
}
$lines = array();
foreach ( $headers as $name => $value ) {
	$lines[] = "{$name}: {$value}";
}
$context = stream_context_create(
	array(
		'http' => array(
			'method'        => 'POST',
			'header'        => implode( "\r\n", $lines ),
			'content'       => $body,
			'timeout'       => 5,
			'ignore_errors' => true, // The body of a 4xx answer too.
		),
	)
);
$answer = file_get_contents( $url, false, $context );
preg_match( '{^HTTP/\S+ (\d{3})}', $http_response_header[0], $status );
$received = array();
foreach ( array_slice( $http_response_header, 1 ) as $line ) {
	list( $name, $value )               = explode( ':', $line, 2 );
	$received[ strtolower( $name ) ] = trim( $value );
}
echo json_encode(
	array(
		'status'     => (int) $status[1],
		'headers'    => $received,
		'body'       => $answer,
		'webhook_id' => $message_id,
	)
), "\n";
