<?php
/**
 * Test router for `php -S`: the plugin's REST routes in the WordPress stand-in.
 *
 *   CM_WP_STATE=site.json php -S 127.0.0.1:8081 rest-router.php
 *
 * POST /wp-json/comment-moderation/v1/callbacks reaches cm_receive_callback()
 * with the raw body and the headers, as WordPress's REST server passes them.
 */

require __DIR__ . '/wordpress-stand-in.php';
stand_in_load();
require __DIR__ . '/../comment-moderation/comment-moderation.php';
do_action( 'rest_api_init' );

$route = preg_replace( '{^/wp-json}', '', parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( ! isset( $GLOBALS['cm_routes'][ $route ] ) || $GLOBALS['cm_routes'][ $route ]['methods'] !== $_SERVER['REQUEST_METHOD'] ) {
	http_response_code( 404 );
	exit;
}
$response = call_user_func( $GLOBALS['cm_routes'][ $route ]['callback'], new WP_REST_Request( getallheaders(), file_get_contents( 'php://input' ) ) );
stand_in_save();
http_response_code( $response->status );
header( 'Content-Type: application/json' );
echo json_encode( $response->data );
