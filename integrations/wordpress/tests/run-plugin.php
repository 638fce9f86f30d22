<?php
/**
 * Test driver: the plugin's hooks in the WordPress stand-in, one step per run.
 *
 *   CM_WP_STATE=site.json php run-plugin.php setup     < {"options": {...}, "posts": {...}}
 *   CM_WP_STATE=site.json php run-plugin.php comment   < {"commentdata": {...}, "approved_by_wordpress": 1}
 *   CM_WP_STATE=site.json php run-plugin.php cron
 *
 * `comment` does what wp_new_comment() does around the plugin (the
 * pre_comment_approved filter, the insert, comment_post); `cron` runs the
 * scheduled retries. Each prints the site's state as JSON, with "id" for `comment`.
 */

require __DIR__ . '/wordpress-stand-in.php';
stand_in_load();
require __DIR__ . '/../comment-moderation/comment-moderation.php';

$input  = 'cron' === $argv[1] ? array() : json_decode( stream_get_contents( STDIN ), true );
$output = array();
switch ( $argv[1] ) {
	case 'setup':
		$GLOBALS['cm_state']['options'] = array_merge( $GLOBALS['cm_state']['options'], isset( $input['options'] ) ? $input['options'] : array() );
		$GLOBALS['cm_state']['posts']   = array_replace( $GLOBALS['cm_state']['posts'], isset( $input['posts'] ) ? $input['posts'] : array() );
		break;
	case 'comment':
		$output['id'] = stand_in_new_comment( $input['commentdata'], isset( $input['approved_by_wordpress'] ) ? $input['approved_by_wordpress'] : 1 );
		break;
	case 'cron':
		stand_in_run_cron();
		break;
}
stand_in_save();
echo json_encode( $output + $GLOBALS['cm_state'] ), "\n";
