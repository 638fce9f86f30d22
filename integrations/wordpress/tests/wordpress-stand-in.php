<?php
/**
 * Test stand-in for the few WordPress functions the plugin calls, so its hooks
 * run from the PHP CLI (and `php -S`) against the real moderation service.
 *
 * Not WordPress: just enough of its documented behaviour. Hooks run in
 * priority order; comment meta is unslashed on write as update_metadata()
 * does; wp_remote_post() is a real HTTP request (file_get_contents and a
 * stream context); comments, meta, options, transients and scheduled events
 * live in the JSON file named by CM_WP_STATE, so several processes (a CLI run,
 * the callback route under `php -S`) share one "site".
 */

define( 'ABSPATH', __DIR__ . '/' );
define( 'DAY_IN_SECONDS', 86400 );

$GLOBALS['cm_hooks'] = array();
$GLOBALS['cm_routes'] = array();

/** The site's state, read from CM_WP_STATE. */
function stand_in_load() {
	$file = getenv( 'CM_WP_STATE' );
	$state = is_file( $file ) ? json_decode( file_get_contents( $file ), true ) : null;
	$GLOBALS['cm_state'] = $state ? $state : array(
		'options'    => array(),
		'posts'      => array(),
		'comments'   => array(),
		'meta'       => array(),
		'transients' => array(),
		'scheduled'  => array(),
		'actions'    => array(),
		'next_id'    => 1,
	);
}

/** Write the site's state back (JSON objects stay objects when empty). */
function stand_in_save() {
	$state = $GLOBALS['cm_state'];
	foreach ( array( 'options', 'posts', 'comments', 'meta', 'transients' ) as $key ) {
		$state[ $key ] = (object) $state[ $key ];
	}
	// Written aside and renamed, so a reader never sees half a file.
	$file = getenv( 'CM_WP_STATE' );
	file_put_contents( $file . '.tmp', json_encode( $state, JSON_PRETTY_PRINT | JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES ) );
	rename( $file . '.tmp', $file );
}

function add_filter( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	$GLOBALS['cm_hooks'][ $hook ][ $priority ][] = array( $callback, $accepted_args );
	return true;
}

function add_action( $hook, $callback, $priority = 10, $accepted_args = 1 ) {
	return add_filter( $hook, $callback, $priority, $accepted_args );
}

function apply_filters( $hook, $value, ...$args ) {
	$registered = isset( $GLOBALS['cm_hooks'][ $hook ] ) ? $GLOBALS['cm_hooks'][ $hook ] : array();
	ksort( $registered );
	foreach ( $registered as $callbacks ) {
		foreach ( $callbacks as list( $callback, $accepted ) ) {
			$value = call_user_func_array( $callback, array_slice( array_merge( array( $value ), $args ), 0, $accepted ) );
		}
	}
	return $value;
}

function do_action( $hook, ...$args ) {
	$GLOBALS['cm_state']['actions'][] = array( $hook, $args );
	$registered = isset( $GLOBALS['cm_hooks'][ $hook ] ) ? $GLOBALS['cm_hooks'][ $hook ] : array();
	ksort( $registered );
	foreach ( $registered as $callbacks ) {
		foreach ( $callbacks as list( $callback, $accepted ) ) {
			call_user_func_array( $callback, array_slice( $args, 0, $accepted ) );
		}
	}
}

function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['cm_state']['options'] ) ? $GLOBALS['cm_state']['options'][ $name ] : $default;
}

function update_option( $name, $value ) {
	$GLOBALS['cm_state']['options'][ $name ] = $value;
	return true;
}

function home_url() {
	return 'https://blog.example';
}

function user_can( $user_id, $capability ) {
	// User 1 is the site's administrator.
	return 1 === (int) $user_id;
}

function wp_slash( $value ) {
	return addslashes( $value );
}

function wp_unslash( $value ) {
	return stripslashes( $value );
}

function wp_strip_all_tags( $text ) {
	return trim( strip_tags( $text ) );
}

function strip_shortcodes( $text ) {
	return preg_replace( '/\[[^\]]*\]/', '', $text );
}

if ( ! function_exists( 'mb_substr' ) ) {
	// As WordPress's compat.php provides it when mbstring is missing.
	function mb_substr( $text, $start, $length = null ) {
		preg_match_all( '/./us', $text, $chars );
		return implode( '', array_slice( $chars[0], $start, $length ) );
	}
}

class WP_Error {
	private $message;

	public function __construct( $code = '', $message = '' ) {
		$this->message = $message;
	}

	public function get_error_message() {
		return $this->message;
	}
}

function is_wp_error( $thing ) {
	return $thing instanceof WP_Error;
}

class WP_Post {
	public function __construct( array $fields ) {
		foreach ( $fields as $key => $value ) {
			$this->$key = $value;
		}
	}
}

function get_post( $post_id ) {
	$posts = $GLOBALS['cm_state']['posts'];
	return isset( $posts[ $post_id ] ) ? new WP_Post( $posts[ $post_id ] ) : null;
}

class WP_Comment {
	public function __construct( array $fields ) {
		foreach ( $fields as $key => $value ) {
			$this->$key = $value;
		}
	}

	public function to_array() {
		return get_object_vars( $this );
	}
}

function get_comment( $comment_id ) {
	$comments = $GLOBALS['cm_state']['comments'];
	return isset( $comments[ $comment_id ] ) ? new WP_Comment( $comments[ $comment_id ] ) : null;
}

/** What wp_new_comment() does around the plugin's hooks: filter the status, insert, fire comment_post. */
function stand_in_new_comment( array $commentdata, $approved_by_wordpress ) {
	$approved = apply_filters( 'pre_comment_approved', $approved_by_wordpress, $commentdata );
	$id       = $GLOBALS['cm_state']['next_id']++;
	$GLOBALS['cm_state']['comments'][ $id ] = array_merge(
		array(
			'comment_ID'           => (string) $id,
			'comment_post_ID'      => '1',
			'comment_author'       => '',
			'comment_author_email' => '',
			'comment_author_IP'    => '',
			'comment_date_gmt'     => gmdate( 'Y-m-d H:i:s' ),
			'comment_content'      => '',
			'comment_approved'     => (string) $approved,
			'comment_type'         => 'comment',
			'comment_parent'       => '0',
			'user_id'              => '0',
		),
		array_map( 'strval', $commentdata ),
		array( 'comment_approved' => (string) $approved )
	);
	do_action( 'comment_post', $id, $approved, $commentdata );
	return $id;
}

function wp_set_comment_status( $comment_id, $status ) {
	$values = array(
		'hold'    => '0',
		'approve' => '1',
		'spam'    => 'spam',
		'trash'   => 'trash',
	);
	$GLOBALS['cm_state']['comments'][ $comment_id ]['comment_approved'] = $values[ $status ];
	return true;
}

function get_comment_meta( $comment_id, $key, $single = false ) {
	$meta = $GLOBALS['cm_state']['meta'];
	return isset( $meta[ $comment_id ][ $key ] ) ? $meta[ $comment_id ][ $key ] : '';
}

function update_comment_meta( $comment_id, $key, $value ) {
	// update_metadata() unslashes what it stores.
	$GLOBALS['cm_state']['meta'][ $comment_id ][ $key ] = is_string( $value ) ? wp_unslash( $value ) : $value;
	return true;
}

function delete_comment_meta( $comment_id, $key ) {
	unset( $GLOBALS['cm_state']['meta'][ $comment_id ][ $key ] );
	return true;
}

function get_transient( $name ) {
	$transients = $GLOBALS['cm_state']['transients'];
	return isset( $transients[ $name ] ) && $transients[ $name ]['expires'] > time() ? $transients[ $name ]['value'] : false;
}

function set_transient( $name, $value, $expiration ) {
	$GLOBALS['cm_state']['transients'][ $name ] = array(
		'value'   => $value,
		'expires' => time() + $expiration,
	);
	return true;
}

function wp_schedule_single_event( $timestamp, $hook, $args = array() ) {
	$GLOBALS['cm_state']['scheduled'][] = array(
		'timestamp' => $timestamp,
		'hook'      => $hook,
		'args'      => $args,
	);
	return true;
}

/** Run every scheduled event now, as a cron run would once they are due. */
function stand_in_run_cron() {
	$events = $GLOBALS['cm_state']['scheduled'];
	$GLOBALS['cm_state']['scheduled'] = array();
	foreach ( $events as $event ) {
		do_action( $event['hook'], ...$event['args'] );
	}
}

function wp_remote_post( $url, array $args ) {
	$lines = array();
	foreach ( $args['headers'] as $name => $value ) {
		$lines[] = "{$name}: {$value}";
	}
	$context = stream_context_create(
		array(
			'http' => array(
				'method'          => 'POST',
				'header'          => implode( "\r\n", $lines ),
				'content'         => $args['body'],
				'timeout'         => $args['timeout'],
				'follow_location' => $args['redirection'] > 0 ? 1 : 0,
				'ignore_errors'   => true,
			),
		)
	);
	$body = @file_get_contents( $url, false, $context ); // phpcs:ignore
	if ( false === $body || empty( $http_response_header ) ) {
		$error = error_get_last();
		return new WP_Error( 'http_request_failed', $error ? $error['message'] : 'request failed' );
	}
	preg_match( '{^HTTP/\S+ (\d{3})}', $http_response_header[0], $status );
	$headers = array();
	foreach ( array_slice( $http_response_header, 1 ) as $line ) {
		list( $name, $value )              = explode( ':', $line, 2 );
		$headers[ strtolower( $name ) ] = trim( $value );
	}
	return array(
		'response' => array( 'code' => (int) $status[1] ),
		'headers'  => $headers,
		'body'     => $body,
	);
}

function wp_remote_retrieve_response_code( $response ) {
	return $response['response']['code'];
}

function wp_remote_retrieve_body( $response ) {
	return $response['body'];
}

function wp_remote_retrieve_header( $response, $name ) {
	return isset( $response['headers'][ strtolower( $name ) ] ) ? $response['headers'][ strtolower( $name ) ] : '';
}

function register_rest_route( $namespace, $route, array $args ) {
	$GLOBALS['cm_routes'][ '/' . $namespace . $route ] = $args;
	return true;
}

class WP_REST_Request {
	private $headers = array();
	private $body;

	public function __construct( array $headers, $body ) {
		foreach ( $headers as $name => $value ) {
			// WordPress's canonical form: lowercase, "_" for "-", a list of values.
			$this->headers[ str_replace( '-', '_', strtolower( $name ) ) ] = array( $value );
		}
		$this->body = $body;
	}

	public function get_headers() {
		return $this->headers;
	}

	public function get_body() {
		return $this->body;
	}
}

class WP_REST_Response {
	public $data;
	public $status;

	public function __construct( $data = null, $status = 200 ) {
		$this->data   = $data;
		$this->status = $status;
	}
}
