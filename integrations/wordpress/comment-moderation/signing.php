<?php
/**
 * Standard Webhooks signing and verification, as the moderation service does it.
 *
 * Pure PHP (7.2+), no WordPress: the tests include this file from the PHP CLI
 * and check it against the service's own Python `webhook.signing`.
 *
 * A signature is "v1," . base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")).
 * A secret is "whsec_<base64 key>" or plain text (its UTF-8 bytes are the key).
 *
 * @package CommentModeration
 */

if ( ! defined( 'CM_TOLERANCE_SECONDS' ) ) {
	// The service refuses a webhook-timestamp more than this far from its clock; so do we.
	define( 'CM_TOLERANCE_SECONDS', 300 );
}

/**
 * A signature or timestamp that does not check out (the callback route answers 401).
 */
class CmSignatureError extends RuntimeException {
}

/**
 * The key bytes of a secret: "whsec_<base64>" decoded, anything else as it is written.
 *
 * @param string $secret A secret as configured.
 * @return string The HMAC key.
 * @throws InvalidArgumentException On an empty secret or bad base64 after whsec_.
 */
function cm_decode_secret( $secret ) {
	if ( 0 === strncmp( $secret, 'whsec_', 6 ) ) {
		$key = base64_decode( substr( $secret, 6 ), true );
	} else {
		$key = $secret;
	}
	if ( false === $key || '' === $key ) {
		throw new InvalidArgumentException( 'a webhook secret is empty or not valid base64 after whsec_' );
	}
	return $key;
}

/**
 * Several secrets, space or comma separated, as the service reads MODERATION_WEBHOOK_SECRET.
 *
 * @param string $list E.g. "whsec_new whsec_old".
 * @return string[] The secrets, in order.
 */
function cm_secrets( $list ) {
	return array_values( array_filter( preg_split( '/[\s,]+/', (string) $list ), 'strlen' ) );
}

/**
 * The webhook-signature value for one message: "v1,<base64 HMAC-SHA256>".
 *
 * @param string $secret     A secret (whsec_ or plain).
 * @param string $message_id The webhook-id header.
 * @param int    $timestamp  The webhook-timestamp header, seconds since the epoch.
 * @param string $body       The exact bytes sent as the body ("" for a GET).
 * @return string The signature.
 */
function cm_sign( $secret, $message_id, $timestamp, $body ) {
	$mac = hash_hmac( 'sha256', $message_id . '.' . (int) $timestamp . '.' . $body, cm_decode_secret( $secret ), true );
	return 'v1,' . base64_encode( $mac );
}

/**
 * The three signature headers (and the content type) for a request to the service.
 *
 * Signed with every secret given, space separated, as Standard Webhooks allows:
 * during a rotation the service accepts the message whichever of them it holds.
 *
 * @param string[] $secrets    The secrets.
 * @param string   $message_id One id per delivery, the same on every retry of it.
 * @param int      $timestamp  Now, in seconds since the epoch (a new one on each retry).
 * @param string   $body       The exact bytes sent.
 * @return array<string,string> Header name => value.
 */
function cm_request_headers( array $secrets, $message_id, $timestamp, $body ) {
	$signatures = array();
	foreach ( $secrets as $secret ) {
		$signatures[] = cm_sign( $secret, $message_id, $timestamp, $body );
	}
	return array(
		'Content-Type'      => 'application/json',
		'webhook-id'        => $message_id,
		'webhook-timestamp' => (string) (int) $timestamp,
		'webhook-signature' => implode( ' ', $signatures ),
	);
}

/**
 * One header from an array keyed in any case, with "-" or "_" (WordPress's REST
 * requests use lowercase keys with "_"), values as strings or lists.
 *
 * @param array  $headers The request headers.
 * @param string $name    E.g. "webhook-id".
 * @return string|null The value, or null when absent.
 */
function cm_header( array $headers, $name ) {
	foreach ( $headers as $key => $value ) {
		if ( str_replace( '_', '-', strtolower( (string) $key ) ) === $name ) {
			return is_array( $value ) ? implode( ',', $value ) : (string) $value;
		}
	}
	return null;
}

/**
 * Check the signature headers of a callback from the service.
 *
 * @param array    $headers   The request headers (webhook-id, webhook-timestamp, webhook-signature).
 * @param string   $body      The raw body, exactly as received.
 * @param string[] $secrets   Every secret that may have signed it (all of them during a rotation).
 * @param int      $now       Now, seconds since the epoch.
 * @param int      $tolerance How far webhook-timestamp may be from now, in seconds.
 * @return string The webhook-id, to deduplicate deliveries by.
 * @throws CmSignatureError When a header is missing, the timestamp is stale or no signature matches.
 */
function cm_verify( array $headers, $body, array $secrets, $now, $tolerance = CM_TOLERANCE_SECONDS ) {
	$message_id = cm_header( $headers, 'webhook-id' );
	$timestamp  = cm_header( $headers, 'webhook-timestamp' );
	$signatures = cm_header( $headers, 'webhook-signature' );
	if ( null === $message_id || '' === $message_id || null === $timestamp || null === $signatures ) {
		throw new CmSignatureError( 'webhook-id, webhook-timestamp and webhook-signature headers are required' );
	}
	if ( ! preg_match( '/^[0-9]{1,15}$/', $timestamp ) ) {
		throw new CmSignatureError( 'webhook-timestamp must be whole seconds since the epoch' );
	}
	if ( abs( (int) $now - (int) $timestamp ) > $tolerance ) {
		throw new CmSignatureError( "webhook-timestamp is more than {$tolerance} s from now" );
	}
	$offered = array();
	foreach ( preg_split( '/\s+/', trim( $signatures ) ) as $part ) {
		if ( 0 === strncmp( $part, 'v1,', 3 ) ) {
			$offered[] = $part;
		}
	}
	foreach ( $secrets as $secret ) {
		$expected = cm_sign( $secret, $message_id, (int) $timestamp, $body );
		foreach ( $offered as $candidate ) {
			// Constant time, against every offered signature and every secret (rotation).
			if ( hash_equals( $expected, $candidate ) ) {
				return $message_id;
			}
		}
	}
	throw new CmSignatureError( 'no signature matches a configured secret' );
}

/**
 * The webhook-id of one comment revision: the same on every retry of it, another for each edit or site.
 *
 * @param string $site       The site's home URL.
 * @param string $comment_id The comment id sent to the service.
 * @param int    $revision   The revision sent (1 for a new comment).
 * @return string E.g. "msg_" and 32 hex digits.
 */
function cm_message_id( $site, $comment_id, $revision ) {
	return 'msg_' . substr( hash( 'sha256', $site . '|' . $comment_id . '|' . (int) $revision ), 0, 32 );
}

/**
 * JSON as the service reads it: UTF-8 written as is (not \u escapes, which would
 * triple a non-Latin body's size against the service's 256 KiB limit).
 *
 * @param array $data The value.
 * @return string The JSON text.
 */
function cm_json( array $data ) {
	return json_encode( $data, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE );
}
