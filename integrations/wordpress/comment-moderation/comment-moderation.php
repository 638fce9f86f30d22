<?php
/**
 * Plugin Name:       Comment Moderation Service
 * Description:       Sends each new comment to the comment-moderation service, signed (Standard Webhooks), applies its verdict, and applies moderators' decisions it calls back with.
 * Version:           0.1.0
 * Requires at least: 5.5
 * Requires PHP:      7.2
 * License:           MIT
 *
 * Settings: Settings → Comment moderation, or in wp-config.php
 *   define( 'CM_SERVICE_URL', 'https://moderation.example.org' );
 *   define( 'CM_WEBHOOK_SECRET', 'whsec_…' );   // several, space separated, while rotating
 *   define( 'CM_REJECT_AS', 'spam' );           // or 'trash'
 * The service posts moderators' decisions to rest_url( 'comment-moderation/v1/callbacks' ).
 *
 * @package CommentModeration
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

require_once __DIR__ . '/signing.php';

// How long the commenter's request waits for a verdict before the comment is held and retried from cron.
const CM_TIMEOUT_SECONDS = 3;
// Retries of a comment the service did not answer (5xx, 429, network): then it stays held for a person.
const CM_MAX_ATTEMPTS = 6;
// Article text sent with each comment, for the relevance check; well under the service's 256 KiB body limit.
const CM_ARTICLE_CHARS = 20000;

/**
 * One setting: the wp-config.php constant wins over the options page.
 *
 * @param string $name service_url, secret or reject_as.
 * @return string The value ('' when unset).
 */
function cm_setting( $name ) {
	$constants = array(
		'service_url' => 'CM_SERVICE_URL',
		'secret'      => 'CM_WEBHOOK_SECRET',
		'reject_as'   => 'CM_REJECT_AS',
	);
	if ( defined( $constants[ $name ] ) ) {
		return (string) constant( $constants[ $name ] );
	}
	$options = get_option( 'cm_settings', array() );
	$value   = isset( $options[ $name ] ) ? (string) $options[ $name ] : '';
	return ( 'reject_as' === $name && 'trash' !== $value ) ? 'spam' : $value;
}

/**
 * Whether the service URL and a secret are set; until then WordPress moderates as before.
 *
 * @return bool
 */
function cm_configured() {
	return '' !== cm_setting( 'service_url' ) && array() !== cm_secrets( cm_setting( 'secret' ) );
}

/**
 * Whether a comment goes to the service: typed comments, not pingbacks, notes or
 * comments by people who moderate comments themselves (WordPress approves those).
 *
 * @param array $commentdata The comment as WordPress passes it to its hooks.
 * @return bool
 */
function cm_moderates( array $commentdata ) {
	$type     = isset( $commentdata['comment_type'] ) ? $commentdata['comment_type'] : '';
	$user_id  = isset( $commentdata['user_id'] ) ? (int) $commentdata['user_id'] : 0;
	$moderate = in_array( $type, array( '', 'comment' ), true ) && ! ( $user_id && user_can( $user_id, 'moderate_comments' ) );
	/** Filters whether the service moderates this comment. */
	return (bool) apply_filters( 'cm_moderates_comment', $moderate, $commentdata );
}

/*
 * Why these two hooks. `preprocess_comment` and `pre_comment_approved` run before
 * the comment is stored, so it has no id yet, and the webhook-id must be derived
 * from the comment id for a retry (from cron, after a timeout) to reuse it. So
 * `pre_comment_approved` only holds the comment (0): it never appears approved
 * before the service has answered, and stays held when the service cannot be
 * reached. Then `comment_post`, which has the id, asks the service and applies
 * the verdict. It runs at priority 5, before WordPress's own notification
 * e-mails (priority 10), so the moderator is e-mailed only about a held comment.
 * Comments created through the REST API (POST /wp/v2/comments) pass
 * `pre_comment_approved` but not `comment_post`: `rest_insert_comment` sends those.
 */
add_filter( 'pre_comment_approved', 'cm_hold_until_verdict', 99, 2 );
add_action( 'comment_post', 'cm_moderate_new_comment', 5, 3 );
add_action( 'rest_insert_comment', 'cm_moderate_rest_comment', 10, 3 );
add_action( 'cm_retry_comment', 'cm_retry_comment' );
add_action( 'rest_api_init', 'cm_register_routes' );
add_action( 'admin_menu', 'cm_add_settings_page' );
add_action( 'admin_init', 'cm_register_settings' );
add_filter( 'manage_edit-comments_columns', 'cm_add_column' );
add_action( 'manage_comments_custom_column', 'cm_show_column', 10, 2 );

/**
 * Hold every comment the service will judge, until it has (filter `pre_comment_approved`).
 *
 * WordPress's own spam and trash verdicts (disallowed words, Akismet) stand and
 * are not sent; its approve-or-hold checks are replaced by the service's verdict.
 *
 * @param int|string|WP_Error $approved    1, 0, 'spam', 'trash' or an error.
 * @param array               $commentdata The comment.
 * @return int|string|WP_Error
 */
function cm_hold_until_verdict( $approved, $commentdata ) {
	if ( is_wp_error( $approved ) || 'spam' === $approved || 'trash' === $approved ) {
		return $approved;
	}
	if ( ! cm_configured() || ! cm_moderates( (array) $commentdata ) ) {
		return $approved;
	}
	return 0;
}

/**
 * Send a new comment to the service and apply the verdict (action `comment_post`).
 *
 * @param int        $comment_id  The stored comment's id.
 * @param int|string $approved    What `pre_comment_approved` decided.
 * @param array      $commentdata The comment.
 */
function cm_moderate_new_comment( $comment_id, $approved, $commentdata = array() ) {
	if ( 'spam' === $approved || 'trash' === $approved || ! cm_configured() ) {
		return;
	}
	$comment = get_comment( $comment_id );
	if ( ! $comment || ! cm_moderates( (array) $comment->to_array() ) || get_comment_meta( $comment_id, '_cm_webhook_id', true ) ) {
		return;
	}
	$revision = 1;
	// The exact bytes and the id are kept: a retry must send the same body under the same webhook-id.
	update_comment_meta( $comment_id, '_cm_webhook_id', cm_message_id( home_url(), (string) $comment_id, $revision ) );
	update_comment_meta( $comment_id, '_cm_body', wp_slash( cm_json( cm_comment_payload( $comment, $revision ) ) ) );
	update_comment_meta( $comment_id, '_cm_attempts', 0 );
	update_comment_meta( $comment_id, '_cm_state', 'waiting' );
	cm_send_comment( $comment_id );
}

/**
 * Send a comment created through the REST API (action `rest_insert_comment`).
 *
 * @param WP_Comment      $comment  The stored comment.
 * @param WP_REST_Request $request  The request.
 * @param bool            $creating False for an update.
 */
function cm_moderate_rest_comment( $comment, $request, $creating ) {
	if ( $creating ) {
		cm_moderate_new_comment( (int) $comment->comment_ID, $comment->comment_approved );
	}
}

/**
 * The service's view of a comment: the body schema of POST /v1/comments.
 *
 * @param WP_Comment $comment  The comment.
 * @param int        $revision 1 for a new comment.
 * @return array
 */
function cm_comment_payload( $comment, $revision ) {
	$email   = strtolower( trim( (string) $comment->comment_author_email ) );
	$ip      = filter_var( $comment->comment_author_IP, FILTER_VALIDATE_IP ) ? $comment->comment_author_IP : null;
	$user_id = (int) $comment->user_id;
	if ( $user_id ) {
		$author_id = 'wp-user-' . $user_id;
	} elseif ( '' !== $email ) {
		$author_id = 'wp-email-' . substr( hash( 'sha256', $email ), 0, 32 );
	} else {
		$author_id = 'wp-anonymous-' . substr( hash( 'sha256', (string) $ip ), 0, 32 );
	}
	$post    = get_post( $comment->comment_post_ID );
	$text    = $post ? trim( wp_strip_all_tags( strip_shortcodes( $post->post_content ) ) ) : '';
	$title   = $post ? wp_strip_all_tags( $post->post_title ) : '';
	$article = array( 'id' => (string) $comment->comment_post_ID );
	if ( '' !== $title ) {
		$article['title'] = $title;
	}
	if ( '' !== $text ) {
		$article['text'] = mb_substr( $text, 0, CM_ARTICLE_CHARS );
	}
	$payload = array(
		'id'         => (string) $comment->comment_ID,
		'revision'   => (int) $revision,
		'body'       => (string) $comment->comment_content,
		'created_at' => gmdate( 'Y-m-d\TH:i:s\Z', strtotime( $comment->comment_date_gmt . ' UTC' ) ),
		'article'    => $article,
		'author'     => array_filter(
			array(
				'id'           => $author_id,
				'display_name' => (string) $comment->comment_author,
				'email_hash'   => '' !== $email ? hash( 'sha256', $email ) : null,
				'ip'           => $ip,
			),
			'is_string'
		),
	);
	if ( (int) $comment->comment_parent ) {
		$payload['parent_id'] = (string) $comment->comment_parent;
	}
	/** Filters the JSON object posted to the service for a comment. */
	return apply_filters( 'cm_comment_payload', $payload, $comment );
}

/**
 * Post a comment's stored body to the service once and act on the answer.
 *
 * 200: apply the verdict. 429, 5xx (503 honouring Retry-After) and network
 * errors: the comment stays held and cron tries again with the same webhook-id
 * and bytes. Any other 4xx is our request at fault and would fail again: the
 * comment stays held for a person, and the error is kept on the comment.
 *
 * @param int $comment_id The comment.
 */
function cm_send_comment( $comment_id ) {
	$body       = (string) get_comment_meta( $comment_id, '_cm_body', true );
	$message_id = (string) get_comment_meta( $comment_id, '_cm_webhook_id', true );
	$response   = wp_remote_post(
		rtrim( cm_setting( 'service_url' ), '/' ) . '/v1/comments',
		array(
			'timeout'     => CM_TIMEOUT_SECONDS,
			// A redirect would lose the signed POST: the URL must be the service's own.
			'redirection' => 0,
			'headers'     => cm_request_headers( cm_secrets( cm_setting( 'secret' ) ), $message_id, time(), $body ),
			'body'        => $body,
			'data_format' => 'body',
		)
	);
	if ( is_wp_error( $response ) ) {
		cm_retry_later( $comment_id, 0, $response->get_error_message() );
		return;
	}
	$status = (int) wp_remote_retrieve_response_code( $response );
	$answer = json_decode( wp_remote_retrieve_body( $response ), true );
	if ( 200 === $status && is_array( $answer ) && isset( $answer['action'] ) ) {
		cm_apply_decision( $comment_id, $answer );
		return;
	}
	if ( 429 === $status || $status >= 500 ) {
		$retry_after = wp_remote_retrieve_header( $response, 'retry-after' );
		cm_retry_later( $comment_id, preg_match( '/^[0-9]+$/', (string) $retry_after ) ? (int) $retry_after : 0, "HTTP {$status}" );
		return;
	}
	$detail = is_array( $answer ) && isset( $answer['detail'] ) ? $answer['detail'] : '';
	update_comment_meta( $comment_id, '_cm_state', 'failed' );
	update_comment_meta( $comment_id, '_cm_error', trim( "HTTP {$status} {$detail}" ) );
	error_log( "comment-moderation: comment {$comment_id} refused by the service: HTTP {$status} {$detail}" ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
}

/**
 * Keep the comment held and schedule another try: after Retry-After, else 1, 2, 4 … minutes.
 *
 * @param int    $comment_id  The comment.
 * @param int    $retry_after Seconds the service asked to wait (0: none given).
 * @param string $error       What went wrong, kept on the comment.
 */
function cm_retry_later( $comment_id, $retry_after, $error ) {
	$attempts = (int) get_comment_meta( $comment_id, '_cm_attempts', true ) + 1;
	update_comment_meta( $comment_id, '_cm_attempts', $attempts );
	update_comment_meta( $comment_id, '_cm_error', $error );
	if ( $attempts >= CM_MAX_ATTEMPTS ) {
		update_comment_meta( $comment_id, '_cm_state', 'failed' );
		return;
	}
	wp_schedule_single_event( time() + max( $retry_after, 60 * 2 ** ( $attempts - 1 ) ), 'cm_retry_comment', array( (int) $comment_id ) );
}

/**
 * Cron: send a held comment again, unless someone decided on it meanwhile.
 *
 * @param int $comment_id The comment.
 */
function cm_retry_comment( $comment_id ) {
	$comment = get_comment( $comment_id );
	if ( $comment && '0' === (string) $comment->comment_approved && 'waiting' === get_comment_meta( $comment_id, '_cm_state', true ) ) {
		cm_send_comment( $comment_id );
	}
}

/**
 * Apply a decision of the engine (the answer to a post) or of a moderator (a callback).
 *
 * Decisions are numbered in the order the service made them; an older one
 * arriving late (a callback retried after a newer one) is ignored.
 *
 * @param int   $comment_id The comment.
 * @param array $decision   At least action and decision_id; reasons when the engine decided.
 * @return bool Whether it was applied.
 */
function cm_apply_decision( $comment_id, array $decision ) {
	$statuses = array(
		'approve' => 'approve',
		'hold'    => 'hold',
		'reject'  => cm_setting( 'reject_as' ),
	);
	$action = isset( $decision['action'] ) ? $decision['action'] : null;
	if ( ! isset( $statuses[ $action ] ) || ! get_comment( $comment_id ) ) {
		return false;
	}
	$number = isset( $decision['decision_id'] ) ? (int) $decision['decision_id'] : 0;
	if ( $number && $number <= (int) get_comment_meta( $comment_id, '_cm_decision_id', true ) ) {
		return false;
	}
	wp_set_comment_status( $comment_id, $statuses[ $action ] );
	$reasons = array();
	foreach ( isset( $decision['reasons'] ) ? (array) $decision['reasons'] : array() as $reason ) {
		if ( isset( $reason['rule'] ) ) {
			$reasons[] = $reason['rule'] . ( ! empty( $reason['evidence'] ) ? ' (' . $reason['evidence'] . ')' : '' );
		}
	}
	update_comment_meta( $comment_id, '_cm_state', 'decided' );
	update_comment_meta( $comment_id, '_cm_action', $action );
	update_comment_meta( $comment_id, '_cm_decision_id', $number );
	update_comment_meta( $comment_id, '_cm_decided_by', isset( $decision['decided_by'] ) ? $decision['decided_by'] : '' );
	update_comment_meta( $comment_id, '_cm_reasons', implode( ', ', $reasons ) );
	delete_comment_meta( $comment_id, '_cm_error' );
	return true;
}

/**
 * The route the service posts moderators' decisions to.
 */
function cm_register_routes() {
	register_rest_route(
		'comment-moderation/v1',
		'/callbacks',
		array(
			'methods'             => 'POST',
			'callback'            => 'cm_receive_callback',
			// Anyone may call it: the signature below is the authentication.
			'permission_callback' => '__return_true',
		)
	);
}

/**
 * POST /wp-json/comment-moderation/v1/callbacks: verify, deduplicate by webhook-id, apply.
 *
 * Answers 2xx for everything it has handled or will never handle (an unknown
 * comment or event type), because the service retries any other answer.
 *
 * @param WP_REST_Request $request The callback.
 * @return WP_REST_Response
 */
function cm_receive_callback( $request ) {
	$body = $request->get_body();
	try {
		$message_id = cm_verify( $request->get_headers(), $body, cm_secrets( cm_setting( 'secret' ) ), time() );
	} catch ( CmSignatureError $error ) {
		return new WP_REST_Response( array( 'detail' => $error->getMessage() ), 401 );
	}
	$seen = 'cm_callback_' . md5( $message_id );
	if ( get_transient( $seen ) ) {
		return new WP_REST_Response( array( 'result' => 'duplicate' ), 200 );
	}
	$event = json_decode( $body, true );
	if ( ! is_array( $event ) || ! isset( $event['type'] ) || ! isset( $event['data'] ) || ! is_array( $event['data'] ) ) {
		return new WP_REST_Response( array( 'detail' => 'expected {"type", "data"}' ), 400 );
	}
	$data   = $event['data'];
	$result = 'ignored';
	if ( 'comment.reviewed' === $event['type'] && isset( $data['comment_id'] ) && preg_match( '/^[0-9]+$/', (string) $data['comment_id'] ) ) {
		$result = cm_apply_decision( (int) $data['comment_id'], $data ) ? 'applied' : 'ignored';
		if ( ! empty( $data['author_banned'] ) ) {
			/** Fires when a moderator bans the author of a comment (the service refuses their comments from now on). */
			do_action( 'cm_author_banned', $data );
		}
	} elseif ( 'author.unbanned' === $event['type'] ) {
		/** Fires when a moderator lifts an author's ban. */
		do_action( 'cm_author_unbanned', $data );
		$result = 'noted';
	}
	// Kept for a week: the service retries a callback within the hour (its longest backoff).
	set_transient( $seen, 1, 7 * DAY_IN_SECONDS );
	return new WP_REST_Response( array( 'result' => $result ), 200 );
}

/**
 * Settings → Comment moderation.
 */
function cm_add_settings_page() {
	add_options_page( 'Comment moderation', 'Comment moderation', 'manage_options', 'comment-moderation', 'cm_render_settings_page' );
}

/**
 * The option holding the settings that wp-config.php does not set.
 */
function cm_register_settings() {
	register_setting( 'cm_settings', 'cm_settings', array( 'sanitize_callback' => 'cm_sanitize_settings' ) );
}

/**
 * Keep a well-formed URL and secret; an empty secret field keeps the stored one.
 *
 * @param array $input The submitted form.
 * @return array
 */
function cm_sanitize_settings( $input ) {
	$old    = get_option( 'cm_settings', array() );
	$secret = isset( $input['secret'] ) ? trim( (string) $input['secret'] ) : '';
	foreach ( cm_secrets( $secret ) as $one ) {
		try {
			cm_decode_secret( $one );
		} catch ( InvalidArgumentException $error ) {
			add_settings_error( 'cm_settings', 'cm_secret', 'The secret is not valid base64 after whsec_; it was not changed.' );
			$secret = '';
		}
	}
	return array(
		'service_url' => esc_url_raw( isset( $input['service_url'] ) ? trim( $input['service_url'] ) : '' ),
		'secret'      => '' !== $secret ? $secret : ( isset( $old['secret'] ) ? $old['secret'] : '' ),
		'reject_as'   => ( isset( $input['reject_as'] ) && 'trash' === $input['reject_as'] ) ? 'trash' : 'spam',
	);
}

/**
 * The settings form; fields set in wp-config.php are shown, not editable.
 */
function cm_render_settings_page() {
	$options = get_option( 'cm_settings', array() );
	$url     = isset( $options['service_url'] ) ? $options['service_url'] : '';
	$reject  = cm_setting( 'reject_as' );
	?>
	<div class="wrap">
		<h1>Comment moderation</h1>
		<form method="post" action="options.php">
			<?php settings_fields( 'cm_settings' ); ?>
			<table class="form-table" role="presentation">
				<tr>
					<th scope="row"><label for="cm_service_url">Service URL</label></th>
					<td>
						<?php if ( defined( 'CM_SERVICE_URL' ) ) : ?>
							<code><?php echo esc_html( CM_SERVICE_URL ); ?></code> (set in wp-config.php)
						<?php else : ?>
							<input id="cm_service_url" name="cm_settings[service_url]" type="url" class="regular-text" value="<?php echo esc_attr( $url ); ?>" placeholder="https://moderation.example.org">
						<?php endif; ?>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="cm_secret">Webhook secret</label></th>
					<td>
						<?php if ( defined( 'CM_WEBHOOK_SECRET' ) ) : ?>
							Set in wp-config.php.
						<?php else : ?>
							<input id="cm_secret" name="cm_settings[secret]" type="password" class="regular-text" autocomplete="off" placeholder="<?php echo esc_attr( cm_setting( 'secret' ) ? 'stored; leave empty to keep it' : 'whsec_…' ); ?>">
							<p class="description">The service's MODERATION_WEBHOOK_SECRET. While rotating, give the new and the old one, space separated.</p>
						<?php endif; ?>
					</td>
				</tr>
				<tr>
					<th scope="row">Rejected comments go to</th>
					<td>
						<label><input type="radio" name="cm_settings[reject_as]" value="spam" <?php checked( 'spam', $reject ); ?>> Spam</label>
						<label><input type="radio" name="cm_settings[reject_as]" value="trash" <?php checked( 'trash', $reject ); ?>> Trash</label>
					</td>
				</tr>
				<tr>
					<th scope="row">Callback URL</th>
					<td><code><?php echo esc_html( rest_url( 'comment-moderation/v1/callbacks' ) ); ?></code>
						<p class="description">Give this to the service as MODERATION_CALLBACK_URL (https, exactly as shown: a redirect loses the callback).</p></td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
	</div>
	<?php
}

/**
 * A "Moderation" column in Comments: the verdict, who made it and the rules behind it.
 *
 * @param string[] $columns The list table's columns.
 * @return string[]
 */
function cm_add_column( $columns ) {
	$columns['cm_moderation'] = 'Moderation';
	return $columns;
}

/**
 * The column's cell for one comment.
 *
 * @param string $column     The column being drawn.
 * @param int    $comment_id The comment.
 */
function cm_show_column( $column, $comment_id ) {
	if ( 'cm_moderation' !== $column ) {
		return;
	}
	$action = get_comment_meta( $comment_id, '_cm_action', true );
	$error  = get_comment_meta( $comment_id, '_cm_error', true );
	if ( $action ) {
		echo esc_html( $action . ' by ' . get_comment_meta( $comment_id, '_cm_decided_by', true ) );
		$reasons = get_comment_meta( $comment_id, '_cm_reasons', true );
		if ( $reasons ) {
			echo '<br><small>' . esc_html( $reasons ) . '</small>';
		}
	}
	if ( $error ) {
		echo '<br><small>' . esc_html( 'service: ' . $error . ' (' . get_comment_meta( $comment_id, '_cm_state', true ) . ')' ) . '</small>';
	}
}
