from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "login_attempts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "success" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_login_attem_email_221208" ON "login_attempts" ("email");
CREATE INDEX IF NOT EXISTS "idx_login_attem_ip_e914ac" ON "login_attempts" ("ip");
CREATE INDEX IF NOT EXISTS "idx_login_attem_created_fae3e2" ON "login_attempts" ("created_at");
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "to" VARCHAR(254) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "outbox" IS 'Mail we would send. Development reads it from here and from the log.';
CREATE TABLE IF NOT EXISTS "users" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "display_name" VARCHAR(40) NOT NULL,
    "password_hash" VARCHAR(255) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "users"."role" IS 'VIEWER: viewer\nSTREAMER: streamer\nMODERATOR: moderator\nADMIN: admin';
CREATE TABLE IF NOT EXISTS "api_tokens" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(60) NOT NULL,
    "prefix" VARCHAR(16) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "scope" VARCHAR(8) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "api_tokens" IS 'A personal API token for third-party apps (shown once, stored hashed).';
CREATE TABLE IF NOT EXISTS "password_resets" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "web_sessions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "web_sessions" IS 'A logged-in browser. The cookie holds a random token; we keep only its hash.';
CREATE TABLE IF NOT EXISTS "follows" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "follower_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "streamer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_follows_followe_4b85bd" UNIQUE ("follower_id", "streamer_id")
);
CREATE TABLE IF NOT EXISTS "rooms" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(120) NOT NULL,
    "cover_url" VARCHAR(500) NOT NULL,
    "category" VARCHAR(40) NOT NULL,
    "scheduled_at" TIMESTAMPTZ,
    "status" VARCHAR(12) NOT NULL,
    "media_state" VARCHAR(16) NOT NULL,
    "media_source" VARCHAR(16) NOT NULL,
    "stream_key" VARCHAR(64) NOT NULL UNIQUE,
    "started_at" TIMESTAMPTZ,
    "ended_at" TIMESTAMPTZ,
    "like_count" BIGINT NOT NULL,
    "peak_viewers" INT NOT NULL,
    "slow_mode_seconds" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "owner_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_rooms_categor_667aad" ON "rooms" ("category");
COMMENT ON COLUMN "rooms"."status" IS 'SCHEDULED: scheduled\nLIVE: live\nENDED: ended';
CREATE TABLE IF NOT EXISTS "live_sessions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "started_at" TIMESTAMPTZ NOT NULL,
    "ended_at" TIMESTAMPTZ,
    "peak_viewers" INT NOT NULL,
    "likes" BIGINT NOT NULL,
    "replay_path" VARCHAR(200) NOT NULL,
    "replay_seconds" DOUBLE PRECISION NOT NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "live_sessions" IS 'One go-live of a room, from open to end.';
CREATE TABLE IF NOT EXISTS "chat_messages" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "text" VARCHAR(200) NOT NULL,
    "badge" VARCHAR(16) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "deleted_at" TIMESTAMPTZ,
    "deleted_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_chat_messag_created_d01bf5" ON "chat_messages" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_chat_messag_room_id_8d6ba9" ON "chat_messages" ("room_id", "id");
CREATE INDEX IF NOT EXISTS "idx_chat_messag_user_id_8bd43b" ON "chat_messages" ("user_id", "room_id", "created_at");
COMMENT ON TABLE "chat_messages" IS 'One danmaku line. Deleting is soft: ``deleted_at`` / ``deleted_by`` are set.';
CREATE TABLE IF NOT EXISTS "gifts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(40) NOT NULL UNIQUE,
    "coins" INT NOT NULL,
    "icon" VARCHAR(16) NOT NULL,
    "sort_order" INT NOT NULL,
    "active" BOOL NOT NULL
);
COMMENT ON TABLE "gifts" IS 'A gift of the catalog, priced in coins.';
CREATE TABLE IF NOT EXISTS "gift_sends" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "quantity" INT NOT NULL,
    "unit_coins" INT NOT NULL,
    "coins" BIGINT NOT NULL,
    "idempotency_key" VARCHAR(64) NOT NULL,
    "transaction_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "gift_id" INT NOT NULL REFERENCES "gifts" ("id") ON DELETE RESTRICT,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "sender_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "streamer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_gift_sends_sender__35ed3f" UNIQUE ("sender_id", "idempotency_key")
);
CREATE INDEX IF NOT EXISTS "idx_gift_sends_room_id_29e5c2" ON "gift_sends" ("room_id", "sender_id");
COMMENT ON TABLE "gift_sends" IS 'A gift (``quantity`` of one catalog item) sent by a viewer to a room''s streamer.';
CREATE TABLE IF NOT EXISTS "top_ups" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "pack_id" VARCHAR(32) NOT NULL,
    "coins" INT NOT NULL,
    "amount_cents" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "provider" VARCHAR(32) NOT NULL,
    "charge_id" VARCHAR(64) NOT NULL,
    "card_last4" VARCHAR(4) NOT NULL,
    "idempotency_key" VARCHAR(64) NOT NULL,
    "transaction_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_top_ups_user_id_d7cd35" UNIQUE ("user_id", "idempotency_key")
);
CREATE INDEX IF NOT EXISTS "idx_top_ups_created_a3aadb" ON "top_ups" ("created_at");
COMMENT ON TABLE "top_ups" IS 'A coin pack bought with a (simulated) card payment.';
CREATE TABLE IF NOT EXISTS "wallets" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "system" VARCHAR(32) UNIQUE,
    "balance" BIGINT NOT NULL,
    "frozen" BOOL NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "wallets" IS 'A user''s coin balance, or a system account (``system`` set, ``user`` null).';
CREATE TABLE IF NOT EXISTS "ledger_entries" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "delta" BIGINT NOT NULL,
    "balance_after" BIGINT NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "ref" VARCHAR(80) NOT NULL,
    "idempotency_key" VARCHAR(160),
    "transaction_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "wallet_id" INT NOT NULL REFERENCES "wallets" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_ledger_entr_wallet__59e2af" UNIQUE ("wallet_id", "idempotency_key")
);
CREATE INDEX IF NOT EXISTS "idx_ledger_entr_transac_57af92" ON "ledger_entries" ("transaction_id");
COMMENT ON COLUMN "ledger_entries"."kind" IS 'TOPUP: topup\nGIFT_SENT: gift_sent\nGIFT_RECEIVED: gift_received\nORDER_PAYMENT: order_payment\nREFUND: refund\nREVERSAL: reversal\nADJUSTMENT: adjustment';
COMMENT ON TABLE "ledger_entries" IS 'One balance change of one wallet; never updated or deleted.';
CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(40) NOT NULL,
    "detail" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    "target_user_id" INT REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_action_286eba" ON "audit_log" ("action");
CREATE INDEX IF NOT EXISTS "idx_audit_log_created_277f5d" ON "audit_log" ("created_at");
COMMENT ON TABLE "audit_log" IS 'One moderation action: who did what, where, to whom.';
CREATE TABLE IF NOT EXISTS "banned_words" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "word" VARCHAR(100) NOT NULL,
    "normalized" VARCHAR(50) NOT NULL,
    "scope_key" VARCHAR(80) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "created_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "banned_words" IS 'A word refused in chat: in one room, or everywhere when ``room`` is null.';
CREATE TABLE IF NOT EXISTS "reports" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "reason" VARCHAR(200) NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "open_key" VARCHAR(40) UNIQUE,
    "resolution" VARCHAR(20) NOT NULL,
    "resolved_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "message_id" INT NOT NULL REFERENCES "chat_messages" ("id") ON DELETE CASCADE,
    "reporter_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "resolved_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_reports_created_9f0ca0" ON "reports" ("created_at");
COMMENT ON COLUMN "reports"."status" IS 'OPEN: open\nRESOLVED: resolved\nDISMISSED: dismissed';
COMMENT ON TABLE "reports" IS 'A viewer''s report of a chat message.';
CREATE TABLE IF NOT EXISTS "room_bans" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_room_bans_room_id_cf4ddd" UNIQUE ("room_id", "user_id")
);
COMMENT ON TABLE "room_bans" IS '``user`` is banned from chatting in ``room`` until unbanned.';
CREATE TABLE IF NOT EXISTS "room_mutes" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "until" TIMESTAMPTZ NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_room_mutes_room_id_c911fc" UNIQUE ("room_id", "user_id")
);
COMMENT ON TABLE "room_mutes" IS '``user`` may not chat in ``room`` until ``until`` (one row per room and user).';
CREATE TABLE IF NOT EXISTS "carts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT NOT NULL UNIQUE REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "coupons" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "code" VARCHAR(32) NOT NULL,
    "kind" VARCHAR(8) NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "min_spend_cents" BIGINT NOT NULL,
    "starts_at" TIMESTAMPTZ,
    "ends_at" TIMESTAMPTZ,
    "max_uses" INT,
    "per_user_limit" INT NOT NULL,
    "used_count" INT NOT NULL,
    "drop_limit" INT,
    "claimed_count" INT NOT NULL,
    "dropped_at" TIMESTAMPTZ,
    "drop_ends_at" TIMESTAMPTZ,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "drop_room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    "merchant_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_coupons_merchan_a3eff4" UNIQUE ("merchant_id", "code")
);
COMMENT ON COLUMN "coupons"."kind" IS 'FIXED: fixed\nPERCENT: percent';
COMMENT ON TABLE "coupons" IS 'A merchant''s discount code: fixed (cents) or percent, with limits and a window.';
CREATE TABLE IF NOT EXISTS "coupon_claims" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "coupon_id" INT NOT NULL REFERENCES "coupons" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_coupon_clai_coupon__3f8d69" UNIQUE ("coupon_id", "user_id")
);
COMMENT ON TABLE "coupon_claims" IS 'A viewer claimed a dropped coupon (one per viewer).';
CREATE TABLE IF NOT EXISTS "orders" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(12) NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "subtotal_cents" BIGINT NOT NULL,
    "discount_cents" BIGINT NOT NULL,
    "shipping_cents" BIGINT NOT NULL,
    "total_cents" BIGINT NOT NULL,
    "shipping" JSONB NOT NULL,
    "idempotency_key" VARCHAR(80) NOT NULL,
    "payment_method" VARCHAR(16) NOT NULL,
    "tracking_number" VARCHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "paid_at" TIMESTAMPTZ,
    "shipped_at" TIMESTAMPTZ,
    "delivered_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "cancelled_at" TIMESTAMPTZ,
    "refunded_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "buyer_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "coupon_id" INT REFERENCES "coupons" ("id") ON DELETE SET NULL,
    "merchant_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_orders_buyer_i_03ddf1" UNIQUE ("buyer_id", "idempotency_key")
);
CREATE INDEX IF NOT EXISTS "idx_orders_status_33ec6d" ON "orders" ("status");
CREATE INDEX IF NOT EXISTS "idx_orders_expires_b04a3b" ON "orders" ("expires_at");
CREATE INDEX IF NOT EXISTS "idx_orders_created_cdc9e7" ON "orders" ("created_at");
COMMENT ON COLUMN "orders"."status" IS 'PENDING: pending\nPAID: paid\nSHIPPED: shipped\nDELIVERED: delivered\nCOMPLETED: completed\nCANCELLED: cancelled\nEXPIRED: expired\nREFUNDED: refunded';
COMMENT ON TABLE "orders" IS 'One buyer''s order from one merchant.';
CREATE TABLE IF NOT EXISTS "coupon_redemptions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "slot" INT NOT NULL,
    "discount_cents" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "coupon_id" INT NOT NULL REFERENCES "coupons" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "order_id" INT NOT NULL UNIQUE REFERENCES "orders" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_coupon_rede_coupon__e0566e" UNIQUE ("coupon_id", "user_id", "slot")
);
COMMENT ON TABLE "coupon_redemptions" IS 'One use of a coupon by an order. ``slot`` (1..per_user_limit) makes the per-user';
CREATE TABLE IF NOT EXISTS "payments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(16) NOT NULL,
    "provider_ref" VARCHAR(80) NOT NULL UNIQUE,
    "amount_cents" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "coins" BIGINT NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "card_last4" VARCHAR(4) NOT NULL,
    "failure_reason" VARCHAR(200) NOT NULL,
    "idempotency_key" VARCHAR(80),
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "refunded_at" TIMESTAMPTZ,
    "order_id" INT NOT NULL REFERENCES "orders" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "payments"."status" IS 'PENDING: pending\nSUCCEEDED: succeeded\nFAILED: failed\nREFUNDED: refunded';
COMMENT ON TABLE "payments" IS 'A charge for an order through a provider (``coins`` or ``card``).';
CREATE TABLE IF NOT EXISTS "products" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(120) NOT NULL,
    "description" TEXT NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "price_cents" BIGINT NOT NULL,
    "sold_count" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "merchant_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_products_price_c_67f805" ON "products" ("price_cents");
CREATE INDEX IF NOT EXISTS "idx_products_sold_co_3870e9" ON "products" ("sold_count");
CREATE INDEX IF NOT EXISTS "idx_products_created_dc6dec" ON "products" ("created_at");
COMMENT ON COLUMN "products"."status" IS 'DRAFT: draft\nACTIVE: active\nARCHIVED: archived';
COMMENT ON TABLE "products" IS 'Something a merchant (a streamer) sells; bought through its variants.';
CREATE TABLE IF NOT EXISTS "product_images" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "path" VARCHAR(200) NOT NULL,
    "thumb_path" VARCHAR(200) NOT NULL,
    "width" INT NOT NULL,
    "height" INT NOT NULL,
    "format" VARCHAR(8) NOT NULL,
    "position" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "product_id" INT NOT NULL REFERENCES "products" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "product_images" IS 'An uploaded image, re-encoded and stored under ``<var_dir>/uploads/``.';
CREATE TABLE IF NOT EXISTS "shelf_items" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" INT NOT NULL,
    "pinned" BOOL NOT NULL,
    "pinned_at" TIMESTAMPTZ,
    "added_at" TIMESTAMPTZ NOT NULL,
    "product_id" INT NOT NULL REFERENCES "products" ("id") ON DELETE CASCADE,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_shelf_items_room_id_fc8620" UNIQUE ("room_id", "product_id")
);
COMMENT ON TABLE "shelf_items" IS 'A product shown in a room. At most one item of a room is pinned at a time.';
CREATE TABLE IF NOT EXISTS "product_variants" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "sku" VARCHAR(64) NOT NULL,
    "options" JSONB NOT NULL,
    "price_cents" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "stock" INT NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "merchant_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "product_id" INT NOT NULL REFERENCES "products" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_product_var_merchan_75d7bb" UNIQUE ("merchant_id", "sku")
);
COMMENT ON TABLE "product_variants" IS 'A buyable version of a product: its SKU, options (size, colour…), price and stock.';
CREATE TABLE IF NOT EXISTS "auctions" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "currency" VARCHAR(3) NOT NULL,
    "start_price" BIGINT NOT NULL,
    "increment" BIGINT NOT NULL,
    "current_price" BIGINT NOT NULL,
    "bid_count" INT NOT NULL,
    "version" INT NOT NULL,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "extension_seconds" INT NOT NULL,
    "state" VARCHAR(10) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "closed_at" TIMESTAMPTZ,
    "leader_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "order_id" INT REFERENCES "orders" ("id") ON DELETE SET NULL,
    "product_id" INT NOT NULL REFERENCES "products" ("id") ON DELETE CASCADE,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "seller_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "variant_id" INT NOT NULL REFERENCES "product_variants" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_auctions_ends_at_ffcf3e" ON "auctions" ("ends_at");
COMMENT ON COLUMN "auctions"."state" IS 'LIVE: live\nSOLD: sold\nUNSOLD: unsold\nRELEASED: released';
COMMENT ON TABLE "auctions" IS 'One unit of a variant auctioned during a live, with anti-sniping.';
CREATE TABLE IF NOT EXISTS "bids" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "amount" BIGINT NOT NULL,
    "shipping" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "auction_id" INT NOT NULL REFERENCES "auctions" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "bids" IS 'An accepted bid.';
CREATE TABLE IF NOT EXISTS "cart_items" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "quantity" INT NOT NULL,
    "added_at" TIMESTAMPTZ NOT NULL,
    "cart_id" INT NOT NULL REFERENCES "carts" ("id") ON DELETE CASCADE,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    "variant_id" INT NOT NULL REFERENCES "product_variants" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_cart_items_cart_id_464671" UNIQUE ("cart_id", "variant_id")
);
CREATE TABLE IF NOT EXISTS "flash_sales" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "price_cents" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "ends_at" TIMESTAMPTZ NOT NULL,
    "quantity" INT NOT NULL,
    "remaining" INT NOT NULL,
    "per_user_limit" INT NOT NULL,
    "returned" INT NOT NULL,
    "state" VARCHAR(8) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "ended_at" TIMESTAMPTZ,
    "created_by_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "product_id" INT NOT NULL REFERENCES "products" ("id") ON DELETE CASCADE,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "variant_id" INT NOT NULL REFERENCES "product_variants" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_flash_sales_ends_at_e1b46f" ON "flash_sales" ("ends_at");
COMMENT ON COLUMN "flash_sales"."state" IS 'LIVE: live\nENDED: ended';
COMMENT ON TABLE "flash_sales" IS 'A limited quantity of one variant at a sale price for a short window.';
CREATE TABLE IF NOT EXISTS "flash_sale_claims" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "n" INT NOT NULL,
    "idempotency_key" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "order_id" INT REFERENCES "orders" ("id") ON DELETE SET NULL,
    "sale_id" INT NOT NULL REFERENCES "flash_sales" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_flash_sale__sale_id_8198d7" UNIQUE ("sale_id", "user_id", "n")
);
COMMENT ON TABLE "flash_sale_claims" IS 'One unit a buyer bought in a sale. ``n`` is the buyer''s slot (1..per_user_limit):';
CREATE TABLE IF NOT EXISTS "order_items" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "quantity" INT NOT NULL,
    "unit_price_cents" BIGINT NOT NULL,
    "source" VARCHAR(40) NOT NULL,
    "reserved" BOOL NOT NULL,
    "order_id" INT NOT NULL REFERENCES "orders" ("id") ON DELETE CASCADE,
    "product_id" INT NOT NULL REFERENCES "products" ("id") ON DELETE RESTRICT,
    "variant_id" INT NOT NULL REFERENCES "product_variants" ("id") ON DELETE RESTRICT
);
CREATE TABLE IF NOT EXISTS "webhook_events" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(16) NOT NULL,
    "event_id" VARCHAR(80) NOT NULL UNIQUE,
    "type" VARCHAR(40) NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "webhook_events" IS 'A provider callback we processed: its event id makes a redelivery a no-op.';
CREATE TABLE IF NOT EXISTS "interactions" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "item_type" VARCHAR(8) NOT NULL,
    "item_id" INT NOT NULL,
    "kind" VARCHAR(12) NOT NULL,
    "weight" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_interaction_item_ty_66b786" ON "interactions" ("item_type", "created_at");
CREATE INDEX IF NOT EXISTS "idx_interaction_user_id_652fb2" ON "interactions" ("user_id", "item_type", "item_id");
COMMENT ON COLUMN "interactions"."item_type" IS 'PRODUCT: product\nROOM: room';
COMMENT ON COLUMN "interactions"."kind" IS 'VIEW: view\nWATCH: watch\nCHAT: chat\nLIKE: like\nGIFT: gift\nFOLLOW: follow\nIMPRESSION: impression\nCLICK: click\nCART: cart\nORDER: order\nPURCHASE: purchase';
COMMENT ON TABLE "interactions" IS 'One logged interaction (written in batches by :mod:`app.recs.log`, never updated).';
CREATE TABLE IF NOT EXISTS "fraud_flags" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(32) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "summary" VARCHAR(300) NOT NULL,
    "evidence" JSONB NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "decided_at" TIMESTAMPTZ,
    "action" VARCHAR(16) NOT NULL,
    "action_result" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "decided_by_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    "room_id" INT REFERENCES "rooms" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_fraud_flags_kind_d8cdab" UNIQUE ("kind", "subject")
);
CREATE INDEX IF NOT EXISTS "idx_fraud_flags_created_cbccfd" ON "fraud_flags" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_fraud_flags_status_2991ad" ON "fraud_flags" ("status", "created_at");
COMMENT ON COLUMN "fraud_flags"."kind" IS 'SHARED_ADDRESS: shared_address\nSHARED_DEVICE: shared_device\nGIFT_RING: gift_ring\nLIKE_BURST: like_burst\nCHAT_BURST: chat_burst\nNEW_ACCOUNT_SWARM: new_account_swarm\nFLASH_SALE_NEW_ACCOUNTS: flash_sale_new_accounts\nGMV_ANOMALY: gmv_anomaly\nVIEWER_ANOMALY: viewer_anomaly';
COMMENT ON COLUMN "fraud_flags"."status" IS 'OPEN: open\nCONFIRMED: confirmed\nDISMISSED: dismissed';
COMMENT ON COLUMN "fraud_flags"."action" IS 'NONE: none\nFREEZE_WALLET: freeze_wallet\nCANCEL_ORDERS: cancel_orders';
COMMENT ON TABLE "fraud_flags" IS 'Something a fraud rule found, with its evidence, for a moderator to decide.';
CREATE TABLE IF NOT EXISTS "analytics_minutes" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "minute" TIMESTAMPTZ NOT NULL,
    "viewers_peak" INT NOT NULL,
    "viewers_sum" BIGINT NOT NULL,
    "viewers_samples" INT NOT NULL,
    "joins" INT NOT NULL,
    "unique_viewers" INT NOT NULL,
    "watch_seconds" BIGINT NOT NULL,
    "chat_messages" INT NOT NULL,
    "likes" BIGINT NOT NULL,
    "gifts" INT NOT NULL,
    "gift_coins" BIGINT NOT NULL,
    "impressions" INT NOT NULL,
    "clicks" INT NOT NULL,
    "add_to_cart" INT NOT NULL,
    "orders_placed" INT NOT NULL,
    "orders" INT NOT NULL,
    "gmv_cents" BIGINT NOT NULL,
    "refunds" INT NOT NULL,
    "refunded_cents" BIGINT NOT NULL,
    "cancelled" INT NOT NULL,
    "new_followers" INT NOT NULL,
    "live_session_id" INT REFERENCES "live_sessions" ("id") ON DELETE SET NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_analytics_m_room_id_4f1f87" UNIQUE ("room_id", "minute")
);
CREATE INDEX IF NOT EXISTS "idx_analytics_m_minute_f90171" ON "analytics_minutes" ("minute");
COMMENT ON TABLE "analytics_minutes" IS 'What happened in one room during one UTC minute.';
CREATE TABLE IF NOT EXISTS "analytics_user_bursts" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "minute" TIMESTAMPTZ NOT NULL,
    "likes" INT NOT NULL,
    "chats" INT NOT NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_analytics_u_room_id_6ab3be" UNIQUE ("room_id", "user_id", "minute")
);
CREATE INDEX IF NOT EXISTS "idx_analytics_u_minute_15368c" ON "analytics_user_bursts" ("minute");
COMMENT ON TABLE "analytics_user_bursts" IS 'A signed-in user''s likes and chat messages in one room and minute, kept only once';
CREATE TABLE IF NOT EXISTS "analytics_viewer_visits" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "session_id" INT NOT NULL,
    "viewer_key" VARCHAR(64) NOT NULL,
    "first_seen" TIMESTAMPTZ NOT NULL,
    "last_seen" TIMESTAMPTZ NOT NULL,
    "visits" INT NOT NULL,
    "open_connections" INT NOT NULL,
    "watch_seconds" BIGINT NOT NULL,
    "room_id" INT NOT NULL REFERENCES "rooms" ("id") ON DELETE CASCADE,
    "user_id" INT REFERENCES "users" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_analytics_v_room_id_353f12" UNIQUE ("room_id", "session_id", "viewer_key")
);
CREATE INDEX IF NOT EXISTS "idx_analytics_v_room_id_97135d" ON "analytics_viewer_visits" ("room_id", "first_seen");
COMMENT ON TABLE "analytics_viewer_visits" IS 'One viewer (``viewer_key``: ``user:<id>``, ``browser:<id>`` or ``anon:<id>``) in';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztXXtzo0iS/yoV+mfsC7e32/2YPs/cRsi2eka7tuWQ7O65HW8gBCWLNQItBfZ4b/e7X2"
    "YB4o1BQhKqrogJ9wgqC/jVK9/5f525rVOTHXcXxq39SK3OKfm/jqXOKfxP5t4R6aiLRXQH"
    "L7jqxOSN1YWhuNiMX1YnzHVUzYU7U9VkFC7plGmOsXANG5/S6ZIFdZhtqSbp3vQJJyVT2y"
    "HuzHD0NwvVcV8IPI6RAzazny1iWxp0w1zboTqZqWxG9cNjfJZua/Aww3potlvPMv7pUfim"
    "B+rOqAOd//53uGxYOv2DsvDn4lGZGtTUE8AZOnbAryvuy4Jf61vuF94Q33iiaLbpza2o8e"
    "LFndnWsrVhuXj1gVrUUV2K3buOhzBanmkGmIfI+m8aNfFfMUaj06nqmTgYSO2/QHStoyjX"
    "g1tl1LtVlE5moEKKGMjBJc22cJDhVRn/+gd8hTcn7z78+OHz+08fPkMT/prLKz/+x390BI"
    "xPyOG5vu38h99XXdVvwTGOQOX/ZmA9n6lOPq5h+xSy8MppZEMcy6ANL0TYRvN6G+DO1T8U"
    "k1oP7gx+fnpbguTX7vD81+7w4NPbQ3ygDcvQX6HXwZ0TfgvBjsBdOHRq/FEH3ohCQIDffa"
    "oA8LtPhQDjrSTAfCNScH+pA3KSqhmgd7tJJOfxhyrz+EPxPP6Qhplp9qLWLrEk2N4s7jhU"
    "DV9kwwB/roDv50J4P6fR1eDNAQtFdbMQX8Ad15jTfJiTlCms9YD0OPyffdw/cFAHlvkSLK"
    "gS4G/7V73RbffqBh83Z+yfJseve9vDOyf86kvq6kF6r1l2Qr71b38l+JP8bXDd4/DazH1w"
    "+BOjdrd/6+A7qZ5rK5b9rKh6bO2HV0PUEqNuqsxVPLbSuKdpGxj54JXbMvB7MtAhJqUj7d"
    "AnOHBWGeckpRzlNo8yLEdHqSWixChel1P2YbNuQFRB4W/6mCupIFxZdL+AhGk8WH+lLxzk"
    "PryRCrJnDqiB3H0XdLNn4P4nnD3h1Wg1O+rzUlqOTyr4dvhi6vq8Wnd03r3odTjCE1V7fF"
    "YdXUlAjXfsEzt1Zdk2e2t+Mk9fUS31gYODX4HvHKB+aT8YVtd16XzhdnK0IYn7R2UaERNb"
    "wo7Im1bTihSDLLUR7dJG0LlqmHUEjSXBpgSN3YlxJx+ryHHQqlDS4PeSsoaxqIOu31o8aD"
    "cgIXuaRhnLgntm2yZVrQIxOaJKgTwBsv09pfJgPRsMLhO83Fn/NoXv3dVZb3jwjsMOjQz/"
    "5Ap3jX0VmLc6zcWSlzPc4G6Yl4HnTuw/rmClqvz8y3AvyQal7IvNm1Yz5lzB2UaeKXm2PV"
    "MnjFr6MbmgT9S0F3NquQQHmxHDJVPHnhPgXyhRLd3/BewMAVYpa8ppqlPJOrWLdXLteipw"
    "QW0MG+GamDf5B9VyTpsSDXhEIiLKb6vYyqBVMcpvM9ayia2/ZCG+pX8U7AxheyHwLTupe7"
    "/dJg7pEMWDq+5vh4mD+nJw/UvYPIb6+eXgbK95KGl02Hsm6kZl7Nl29CFlNFcFlGxQykQt"
    "gqaKg22lEkg0TkYa9begspAnwPdyAsRHnf6xMKC3FUY9SSngqO/JKFe1Rq6ysqVPwf6Mr7"
    "Q2r82FSGuzmNZmjnqOiBGORrFkgR8k5Qmx5IldG5VbJEVsRDuqG2xhqi9K3VCCNJ0Qerwk"
    "3h+qqEk/FGtJP2RDCkLVR135OEMoINwnHz9Wmt4fS6b3xzTijm0WTOue5c0zfEDSgTOg3a"
    "Ib/JNBn/1Trgbena/93rfe8JT41PfW6HbY617hFXhXCkjAtavBRW/YvR3ARTw54c1tuNq9"
    "uOpfnxJVnxtW2ti4m6AQA2RUzTWeckat1BsjQbdFf4zwOJD+GOLpFATTJNWwJUTTIxnDml"
    "qQAe2Xvw6pqXJ0sxMhJ2J2z6ZBkTyVf7RHVo3VwcpYU0REjFHGoN81ofpGJyO/I1Fxmtqm"
    "aT9jN2sB9YV3IzZIgfgvQcoHybHt+ZoADaELUeHxNWC6os1UV5n7/oBrwgWChhvzLNxLlX"
    "s5aDsDay+n2IMxdZnCqJXDbNeB6hfoZ0QtXWycHKpRkOhy1KoSq7jHxULxFmuuvVt7cbcQ"
    "FSHV0w2XqwfWZje72NWl/SDobu4j5arOA56EEqoSqCaqZQGzgGIaQ8F7XbjOeH/foDtBAX"
    "PownZgV5+rep5yrw4TynsSdbcKcXIos821T7/KWO3jlII1yJQHYBGs9aUaWH+CooRin4JQ"
    "bQukvVx2c8+ljU2mK+hM5NnEwdoaTHs5n1TP5zcVk6r62tq7rt+boHNqiRWjprlFrPZyYk"
    "0Mfc2ld2YIKwxrtrdYW8g7552IDZGimaqxrjbYB+ocexIcLYfqmLJmfQWCD9lw2Z2ouE1N"
    "lc0UpprAVAWOAmuaZrDDkWoKyzBEiDWyNpd4Cb08bUdf2+g3wD5EBYivQIlPsd+GY+vAL6"
    "7rsOH3IipIT6pjqNa6IH31exEVJLhMnUaMDP2oJ1HBmjqqp8OzNaMBH6Av2Bmcd8KaGjyH"
    "rbv4MHrmDPsRdUb5zs/KE0yotTcq3tVX7EmgGVUrZivC9Vk1TVrirjCw6K0Nfyq46i17Eg"
    "TRhJyoOo2AdK4KZa2pGfsX8+bMiQBM+noWxwE+04kS9y6tUnnHtB/gjd4YFpk49jNslsfk"
    "dkaJZtuPBiUzG96eqMRRLR1TqaEn80+YiO2R0gWxLfOFwK7Da+Xk1d9ptnMZotiuEEWZ8k"
    "SmPNnt9itYoIpMeVLn0G37KIeYyJQYMiVG2/jTo/1IiRGEpeSwxFHASjE77MfGbCAxxu/L"
    "sBvsmwWxxp2/S250h9yoZJO+RzYpXIj1ztAUlTxHc+Ljw22tHrIpKons6xxK/CyRXEoZl5"
    "JatvmcSt4cltC+Bm1q3baJCbw0nmiJcjR+u5QdNKFhTfXowKLkwX6DlMSeoqrStudHflkJ"
    "e0Et4toEa1FkVJ91CKVas12MJOwEzmqMZJJSQEZyTxjHSpoXWH4rDXKcTqabbfMIL6j6qP"
    "jm8RzDeOE+mSbbHg/7ttU7ZqwKtPGY61tnPBSCuiQRBs3/Pjl5//7Hk7fvP33++OHHHz9+"
    "fruENXurDN+z/i8IcWKZZDF3KE87uVDdWta2FNkWU/p1NgX/5mv6BKAxCo/Oizn5YtpqwT"
    "zPkqYgnyLtvk35EogvBndnlz1yM+yd90f9wXXyGOA3uZJ0mYlv2OteZpJV2vN6aoYYhVQx"
    "vK5icILsRWvKwIIlQTpKycCxSVVX/o1JpYbluVSZeNrj2unwrnhfZ7yrvWUl13TIq6ks4F"
    "M0R0sQTt1i9cAySZhMor5X295RiSjvGm5RGuQC56SQQMA80+9OqrBK0Ko4a/FJhlXS7Cfq"
    "KJ5TK1V9gkg4lvRjJZb0YwlL+jHLkmqAxYPt5JSaLIE5RrO1cuhBn+Z2sG4+VT3TZlT3zN"
    "X0fylaqR5qs3oIuF3Xy+HQqiXJj6i3uIEtJ1jN1dUZnf/au7i77F2ckmUf99Zl/2vvlKCR"
    "4t7qXV/gXa7dTJszqp0ulQ6XkrMlvRLnVDdUBXGudYSnyIQ7XpovPRAgZnuOtgrSSzoJ9a"
    "tQ+2ZW5ZHWOsiTVNJlPgVz1mW+RSY8eYBLC54c4RVHGK1GMHBebtroV6xNEZ00Oa1mcpL2"
    "0025VpqwDFAFWWxiKnawzKOVEMvqTtIbHB76bNV1WI6TSFPi66ZEjlcDtkTB/Wnj02p1Y2"
    "IzpaJSHrKCIJ7c7mU1lppVRrAYy7r5VEWvMOJXhaAWdLXurPqOikKsB9T3Ug5iPZTErgQh"
    "c/ZXydm/PkLfQxr6dbdtobMRYvIuxXDp2vmwoZ8+dCPolh3kwtYde91yY5UzrO8vTBKhSs"
    "nB10NJ+KTg28xvvY8zadvpm/cRIzaj5rSJ422EHVU83/ZytflZiWF3epAZicsZ79159+/l"
    "xOJ5pWQa5wpI7SyN896gtcmwkbjSNyd6JKUTLg4iyeihq+WY0FVrrj56xDQsekwu0FgAEB"
    "GDEWZP3VMyHoc12lV3PCZ/il2YvMAF1aGEUTc/D0WTnb8e4PJ7PIwK/sLt3+Pp5WJ3Y5bW"
    "v8u4mK3GxdA/cuziJWExQXsBo2I2EkA8UfWHWq60SwLpQ5tCN+tDu1+uHVvdNsT17IiOqL"
    "qDnqSU/p5t9veM+I56TjwZupU8eVo2sE27xMksC00jKpN3y7wVLfA1ezVvRXrONgCp4O57"
    "r+ZDzz+1tgdsy86qqrhmDuoEuvAW5Pru8rKac6R0pNm6mgwd/jo5+jF+/ahMMYYuh5VrUm"
    "FjTJvqYq0o1VVN++GILBxDozoxLKLZhsXyyk1VppN5Wtqlj+L/ZmAtVpeE7YULhW0+nwWf"
    "9DWm7LK95E9zOH5D8w+TqhM1bL9Ftd69p39+r8Hf6ed3+6riY3AmK3bovlE1Mi5BJEPi0n"
    "MXCys/5WyzZ7ZtUtXKBzUiSgE6AapNIRruv9vVlp0NBpcJRdlZPxUie313ddaDqcxncpTR"
    "skCMrRbgI4MwdsDDcrwK+NgQy3JeNgqfqczQHozH//RUyzVctKoCm2pbSzaVoJfSIYFOXT"
    "J5ISrx3QGwTIBfO+AHRlhQoqGQ8230Abllr/Cj/e3V0Ol8YbvU0l54XpJ07avfl7qbgEZa"
    "eLfKUYcToQa0cRLJ/OWpey3DVery00kiiWterH4+pGUJPoQEdMvpPdJbeGYASsSaLKmAri"
    "HN56WCR1lM5SFFuXaju7v+RYEHToYyBbjnGfox0u8h7CUwc4zf+7Jj3NrMv3Sf/UK2O6/F"
    "dQzhzHgtFjJGIdLpIf0EWouoLwLVLKQZp5GoygKlu/PCiKR+6TRQWkMzvmRlcdItFydNH2"
    "ENwCr9hpJ8VgOQhp4CgkIa4y0TkA6BzR32z293VkOX6g/U6Vmu89LJ0XvHbx+V1tDlDeMp"
    "kaoFOE1UE+cF0Waq9UBD3fSzagJAPxGLPlGHeAuUsHRiOyRwE8qPZ1qjr1yltk9ZRaldS4"
    "Vdpr4STIu9FcVVsa4bRthV6w3AkkQk/m/L+sNgHSrq1M1jYsrgz5DKYVh5GB4NK2f3qVbE"
    "JKRts/K2czu4ubuBfc1eeIt765f+F2x6fXtKQjusG1wd9s57/a9YxYTfcahGjSesczIYXv"
    "SGyk33f684HfcRURbqy5zTDntf7q6ByKFTz9Lx99fecNS9xCtwljDVvLe6F3+5G9365Kr+"
    "D4+5SJs+nnbjLAPvXUd3HzQXLtDwcxXXuc/FrnOfM65zLTCQtMzNOz2VKxWU+1RSUO5TBv"
    "T9MZFsk9GSFhJpIVnVQuLLN/W0pAkakZizTelIIyFyTQXJt2VHewZwVRVJYmq1Sklyay/u"
    "Fp0c9Yh/46hMMQLcqeItKjsEov8KWcBbk4ntPcxc8my4M6KSA2bMPRMH/ZBo8EEk4FLzfP"
    "5W6iNXAxLGBDaq//helB8bc+HDoc3dtYvZzhhJm0W6FfnN91VKTL4vLjH5PlNiUgbHNBpg"
    "MMeKW4pGrbyozEJQ02QS2zwfSc9xcF+usxvEaUTcDqrsBsWbQXovWDj2k5Fr5y7Zb2M0Ii"
    "Lc/IYLUD7QmqdagkhAmJv3M0W2TzFV5n6ohXOCSjgFYRWUi0HOYNwC7eD3Nq33Rzco3ac3"
    "rByUafUa0Q3KDFYb1gvKdEtVdIKvplvajUIw0MXmaAQjLW2xStBXdFZWCSIGPzBfqxf4Rx"
    "yh/5JK2Atz6ZyoGq9ojWG+/pXxGPMyH5HxGGnhF77+YZ6qsNG+ZfKcdukJ/QGrw39GFI0Y"
    "pVuUP6d5iTVYLll4K/g3bfeQFKv4/NSx/0Vzcu2UZiuJiLaYrWR5Za/SlSS4QN9bdgXWP0"
    "kp/QLawvuHGMWY/2y5tr0S+OSo76vE1y52YRPiXpVMT41UkU7FaezZqqqR7uk1AXpg0Vsb"
    "/jQrPrdqpm5Gdl5LHl4WMc+RiOMFzotlYr+iuhk0qxQ6hL04fF0QX4F7Sp5nNtENHf5VQU"
    "R9BiEUaF0br8/zY4ZW6UTKue2Sc9VlKeaqcm5EsSnzikiZYnXqqoaZxfcvo8F1URRVSJHm"
    "AQ3NJf8mprG5en2dn6eexceXTDzDdDG1Mz72z5syJpbAjQgl2L8Q5oOr7m/pETi/HJyl+T"
    "rs4EzaYyR3DjuWXZM9j5PIsjdtSGcjOKAueuO4Sn1BMkso4X3VgMiX9/YsiC0Dt6oQFN8E"
    "C0qK7C4/yJ5iWpQeJB/S2OKWs/UVZLMbYe0yOJs0e5+plkX1b7aTFGqzd4/KRP0Jb6c8Q8"
    "PKNnBszOOwWVCxBWTzU/wfzPCB85FbrTEq+4UL7Ci2W2Q8xlvjMZY0xk/Js4A31PO9dW+N"
    "x9iZfxGVB7zcTKBggD5wJus/AallO3PVNP5Fg7aGy8gUJBXqkCncurcOGKXkFChPxwDjMb"
    "7Ssd9gfHhE/ElNFtCcafaCwmMcjPOBnvlv9Bwcj6WmooWaiudgcVTVU4TtBXQCfVepvPK7"
    "kvLK77LllaOVVQflJJWAWH+sAvXHYqQ/ZoBebjR1cE4QCVehqfk0E/ul6JF22GY0PeHY1S"
    "11nKGTMrTU+Yhdl7dl2K4rP+em14yWtZSeX8E1swO2SngOCsrmCM5RqdlioTlW07aKvOwX"
    "cfqBEZ8Oc2GqXLQlc8oYvGCeKFyNSMqU7ZIpYdKzetbviEJAWeekklx5UiJXnmTlSthXXS"
    "/HRataMsWIeouhsyBqWTUt3p3BTe/6lCAlJjscDS55zkRgbW2Tp0u86I+u+qMRXtQNNjcY"
    "80Xm2rJ/FWf8d8XO+O8yzvj4znXF0TiNaOEOzTuB8Fng1XW0SVIJFzl+Um2vKdlqcmF+Wk"
    "noT5E2IPW3kw9su5Cf42JfLOXvh25HOvE0otoJ2Oh6CogkkQytztPqcHmlrtdJikoim4ts"
    "cKbU1UZmCaX2rA3qSBEnbIk+Mtg8G1CdAY/rXkW97RnMVVVoycNG1lPagcI3PJa2p+7dW1"
    "iTB3gVaJeHklSmvwpu+gBvlzYdltSZanXy1OnBraNSfTouyYlqVdSoL7OdGIz4/mtk6thz"
    "rh13AW50GFv6hHmWa5jw12+Y1bSv21luquZwJ+Z+ljI/8y418vsl20u/jWaE+7oSkhSMMk"
    "tKCkabQ1Qm9BPK9aVt4G5EFJI5EhvJ85A8paTk8wqe7RV4rjz+LrkSD7939KrIM4dmdWWe"
    "ufpCLNv1XYGysgm0w3/h94EfM/PMY1OwDVEtneeYzEk+2Xz3Ui7a/QF5VCIX8XGsKxItiQ"
    "SUhvZE+hHQoC2FXin0tmS/lEKvFHrbjagUeqXQ2zZIpdD7PQi9XU8LPjgnreQyh19ZVkne"
    "qKLAi/kgYdyCwJcn1TFUyyVBH1QnuodQwy3TeAJyv6oqiCdvmGUs4E5+hsm1esS0ErezoB"
    "OTqk+U8awSQVc/MMJcW3v0k1LgjaBvuKw6LjsG6dkv9ucqC8fQKDc63lvYEnrT8eETQycH"
    "eIGTEN4sEL3x6tRwmIuNDjF1xRN1GHQP3YC0bj3A2/B35ukx7i1V0+gCVgbvk9kEZl3wdL"
    "zCiOpQuDZfwL9vQHR/w6hL/EThTIYWtVBgl7Uls3UkKjj816gtydecvzSzIJcVkkgRisSr"
    "brmehGFpDsUy2PUGIEEm4V8Z/sTxVG8IMqRyGFYeBjifFV7pqY4yJ04jTDmbxpQPAa9UA9"
    "AYhYQzDafP0a6gX04QCqhe3hN1ciUrArX0VYY4RiZeQJxQ4/uHSy3c4xRG4TP1nJj6wt0x"
    "l3Z7++S7j/uzUbo5nFT1XAV5vNQmY7VR+dGpB27nsv+1d8rVJvfWaHB5cUqYber31t21/8"
    "uz/N/D3mWvO/LTGJhUXTVhQbVchSWpCmVuN2kuhS81bbbaoMcJZWR/m4841KvWtTomaKRp"
    "PHum2U5tTOMkEtIspAvH1j3NrQdqkkgkfYv04mgtooyaZt3Vn6CRqOapp3wTYj1Yk0QSV+"
    "khswMPmeAQagDVm6gnQYFNHtivYxss8Aaw/Rr1JCi2yc3wdWz9M6kBaAX37Uqc3a/D6gtP"
    "24O1ZXJBVVQTMmaFuk1cfmoA1UHYj5iwxsXM2r5zCfvrmiXAz/x3EGRPyCn93ZxbIUKVV8"
    "DKeK1ylVG5YhWWk46c4XKybec0kO5v7XJ/U+f5DhFlPikRjUjC0ZadUdjMWKD7axb64pLT"
    "cRpZdDqhLP/+ik5Le1Uz9qrAm7xm3ekEkUjboIxLaxWiJVo3NYoOWVN8icWZ7BnEVSWY5H"
    "qVAWpbClDbTUTVuZpfg4hfPyoTfjS1av2hYiylhNMuCccPvlqFq0tSSq6uLVxdjotK8Pat"
    "4j72flVleI8qSj7DpfM1tXy4T/ehmz1cUTVUfa8xGwOL3trwZ8Osxk5n6WYYjbWZBz75Ch"
    "iIcGKWMxHKchk0y0n8znvHfkMjpkz3tUvm4p8ehrK7OdHDhdDGSbbo2d9qgGNCra6vxKvF"
    "6SSn1hZOrZK/ON8u62xOMQqpJ2qFd2bL7NrSjbC9uJYoNEPWZk2lW6jm2TNwq/LCsd1Pur"
    "o1CWxdV7fter22bItd1+l111m3zm1vkZ90K7hzVCri8TaVK9XPqYOppDCVlW4wnk6CaNAr"
    "kBgwduRAowDrIbEdTPuMP4I8WaYxN1zGU0CrcMXS7ee8ovaN9o/puLrE/0KiO/ZiAT3AAN"
    "tBCi8/K/XBeIz3FN7DeEwYdQ+JplrEBiaVTCimrNbJ5CXKr3VvpUieDPpMHUaeZzbRTNWY"
    "E8MlByo5hR+MnY79gTjHO2NCVW1WkgE7RKDDZ6pOpVi826RaOAQZWEsSagXtRUymVaUO/P"
    "viOvDvM3XgH+G78sF9PfQ9pG0z0J0v/d8wmJ3vXffWTW943ru+PQ23rvT+V2UQPlcYg8+F"
    "Q/A5PQLSaW6nibT2IVlf52500dnOBlNlf6merW9uWApbUEtXONNQb5LnEAuT5Gnb/qFtSQ"
    "XVTsGj7ZrPHBt1VvXZikxQcnw3Nr64T4McVCcBVJxEqmJzMjpQR+HWYC5F1gA2SyiNbzku"
    "u/UzZCaJhDnuGwM10nnUADVJJDeCHFEA9UIrTNcMnZyxeTN2sZIVPkkpmZM2Myd8i1mRA0"
    "3TypFu80gbMEyaGySgTAnztm1S1SrQdsfpUkM8AcJN7ZOhJny7w3o2GFwmRvSsnxLSr++u"
    "znrDg3d8KKGR4RapqWQg4XfoyMQ3xfq+N2kyyexlF1Ro3quHbIpKJL279BVrE6AlPk1xw7"
    "QMJizzFEmtVul/syX/m9wjTOL6Cq7pU3uNtEhcI7FuyFTkKyPQFpFc7lSn88Wy1OG6WA2X"
    "3YkKGM/atSZWgiU222jGrfgaLPQrXC7R15wLlWhbqOJi6DvTkUC7SdSl517gyHdgWxQ9aI"
    "KGh3luhCv1kR+ktvSh5LGN0hlvp854UhvxHWojgl2kXmBVnEaKyzKp0Q5igJYnx7pRQMuO"
    "9gzgynFA8cUqMxqJndEoLbIU8pdJseZVJjMlVFWsH8+oX+w94AsnLwQDP1BUwGLszLQxvO"
    "Pg3fFx0unmkMzVx6C4O9x5E07JbDn5Bh9wb/FbZGabOvFg9jlRyXbtBWbBs43PYxi8Ytku"
    "caEH3gEDeAk+qjKbC/9ie8nu7pTd5UNQHdawufQGy7iBBKFkqziCZ2lFYn62HfUgBTgpwE"
    "kBTgpwrUR0F2ULxeNopEgsReJ2gtqoSPxq6Z2aWQ+r2qfatWFUhb6w7s4G8h5+MVU2G6kc"
    "rYxuIbp5VKZUmGIzhUG7ynYrLpxTnYRZ8VDuRzNTkIyFqPAfwR7JwjE0Sqa2gxdmtuOWJM"
    "RooFdMgzEehx2MxwSmDqbKcChXEVhk6thzrigIOv2BEeba2iN5nsFdX4MADzAYCbjwn7BD"
    "h85hwOFFoUcuITECT7P8dByY5IIsPPSDYRRTYcAM0Q0ESzWJn434kCfreLApIzjuxLXvrb"
    "zHonM2JulwqOs5FtXhcQ7VYEIxMrOfCUyDl0L7nVRf7FB9wSfkKiJ3ilAkXlVmGdh5FpNm"
    "kwy0Jri9bajvif6iUthJK6LbKwzwDjg/IcZ3b3Ift54biDs5BuxhDVATNBJVmTRg21PWlz"
    "BqzdiIRIZf52T+cQuy572e4G1JvMVUV2YQIloD3M5l/2vvlOeTvLd61xeY7w0Ofn9K7Di7"
    "mzS3FeMurrmNz77V2FWZ8GDXA1yJXw1X5+SlplE1TSd5rDwey7F1T6sZoZskkri2IkBXdE"
    "RlNYetmK23G0baNnDXjc/NNVgH22UDqN5EPQkKbPJokZUymsS2bqWMiINqAF7B3S0y3GZd"
    "p4tmA8uXln/hYss3Ga+RQq3Mo6JCQHDkVlErKJhHUlgGujpMvBfqkIntPcxcYliB8wPGUl"
    "jjMboooN8Ab4ReDKbt5gVXnKZ1M80/4d7CZv7UAdID7OMIwzOcI2IdQkfZ+A5SFt5RHLrB"
    "AmeW0AfMklEbO3V7yPFvLMQ0b7v6flnwRKY/jOayXZz6yiOt5cCQQ7pFFXJN9fGKXgzv3r"
    "6toCqGVoXKYn5PqoulungXXu8t0w03bvdCBqcWojEKeRzIYJft67hCLnJNkTbhXr1nCFeV"
    "a2NrVUZmbCkyI3NgNYCpYBnB0pgWhlzsumCpj3uOJmE5IMUKhCgTXDWtQSinczo/0AGjJ8"
    "IMndmIi6pEuaI4J8S7aRFESuQ7zaPgqq6Xoz2s7ofk5QUiNCZFZrDuYOG5wA2yjivSTe/6"
    "on/9CxaY5PT31k23fwE/VUO/t0a/9m9u0D2JzQxMhndvXfTQeWmI12ClGU/Uwavng6uby9"
    "4tXtXs+QK3DbzavT7vXV7yq4iTaeLV3m83fU5P/1gYnHrY+3Lne0E5dOqt6gj1rkqt0XfF"
    "tUbfZWqNylCIjYdCeBPXdlVzlZCfLK1ITPuWo372Nd2JYGUvcZeF11ppOWRo5SisNgor70"
    "hyO2p6IWTx/8tocF2+APLUyYbmkn8T02AbG4LOz8C5aIguyAKG6RoWO8bH/nlTyv0SjBGj"
    "hCY5PIEPrrq/pQ/n88vBWVpFjB2cCWJd2Rpr9LmKeeVzsXXlc8a4slBf5rCZKHOQF+2Cqv"
    "cFrqUZSvHMWZ+qsPtpI0mM3f+Uhht1A494goJ8N8lTFxXjnUMqHOCfPlQA/NOHQsDxVhJw"
    "XwBcKUw2QSkjZdsceYCahBWGOEYmI0vaPL6BamiVfAYJSjnKbR7lpbJvlYKpKVo50m0e6a"
    "UCdxWnnhStHOlWj3SolF9lpFO0cqTbPNKhXWWFgU6RynFu8zjvlzvmVg3G4npj+rkRVxn0"
    "JKX0wW3LqOes9UyBQ+44Us+/MU4iknGiMZfR3WSdb9l5KMuX7wuysnz5Zh2cl7550hO3zG"
    "s0fqy87oora8JXxVXWhN8EqvVqwm+//MSewlpcfaJePXjV0xqoct71exEH7sSkzA2JXx2s"
    "2lkO9hEzw6Xr4sRjDfrQj0BnTp6/yZow3fi9iARSrdCWjDjpJKqS5gMbVn55Hd68SqeCrN"
    "dVgoL4eiwKDAoX6yvBQcpyc3g1Qqj4I2UpkXZF8LiGmxeeWuLDFRII6Jt4Uin3w0lJ7oeT"
    "bO4H9ujVwTdoLiC6zXvGyeoCG8gHYBmusnKBoTxqkWDetoO/7Tlare05otiiZ+3Ee+H2l6"
    "1sIx+q7NEfirfoD5kd2qGMOk80h704s22TqlaRyT8iS4E9AbpNoR1yH9u18Z8NBpcJk99Z"
    "PzV7r++uznrDg3cceGhkuAWTuhXFYNuxncjM2i3HVeaB3ooJaduJR9oG79qZR2S64jWRLU"
    "lXPOyNbof981uZZ3sDebYjcHeTMidUw+boxmIa2mLNWFwZXKWWsQac+0NQTNgK8uC4Mwdz"
    "4hKVAFBPBl46GI8127DYeAxtCPyADx2PD/PqGDfQo1TKtUspFw5aHcEvTiOg8qj5ONYQMM"
    "Wh01WADumaAXu383nDEdrqfNWkKWlKkZhpWbF615tKw2ma+Plab34vSWQWmhU1pC3PQJej"
    "LW0sBd3o7vy81+MZ4ZinaZTqmCbuS7fPc8lNVcNsddo45N1Nlbkfau1ICSrhskdUMZEVW8"
    "gyBjKcA55DgVVRWZ5fRTHOWUrhsN6ItbcF+X9a5seyaeZyv4L5tgv9fsZ1yWi+73HUQ4zK"
    "ovlkgPb3EaAtTcTS5NYS28XrJrcdGS4Cq1Ge4SIyKJUYLvxGFQ0XIxtzJAKeRF1m6ycHKg"
    "E6Cg93Dgmjpsl+Cqv7hQYIw2UkMK2xrPGisV6lAaNdBgzpVZxQnVSqKHdSUlHuJCP1xN8s"
    "g/Mt/aMoCXmSTACZvozt6f12m+B4Mgl+l1zP5eD6l7B5Ouvv3iscYWc3nmjNAehcDLtfbk"
    "+J7qhT997qnt/2v/ZOid8X/AYg4cIFXIF923hqjVZxb6wcnbvRxXYUXQ2bOVZ2Dt+SX3jm"
    "IBXM4mEDIa8kUYNxSRKJgnxzGW32SocoE4JJFaIc9RVViDLPksyz1GJASzR2MiWQTAm0S1"
    "RfTwnUxsw1+zKHC1LXNJW0RlSkUpkpVkdK+LQ1xlx9WHc6BZaFPnYlKk5sRs1pEzNqhB2J"
    "PKNCE8x6MIkXW1YvEdJqdj9/CRYb/5ZL9FULoBJtDBUCmCziLUxb1alOON0Rcegbamk2Xl"
    "EtnTAXuCadoK8Fhhn9DJNE0Q3nz3/y6difxuOcKKbGupWWwHZZAheqO6ujiw/bC2gH3Ii/"
    "qTvz5hOlLspJKol1NayfDT0P5sI9Ytleqoty1EUzkK1ndWwYEYHEMwfPqe3M81TZJT7+Sw"
    "oBd4DPVfzMi93MM0ZPmxn5zhbF5s4YiTDhXd+pyU1aX5qxuck8RVsxFcjkJI0kJ9mxi2+k"
    "QMqR8xPapWIhP6XNqpKiJACEsJn9bBHDIipB1f8x6bpkDtsBsS1KsEdiT4N7xGBkYVgWCu"
    "suXOM7cFbKb7TrHEn/96UhJ1wAf5fC/y6Ff8k0Ncs0+QshR99alqcyItpilsrllb1NU+nD"
    "tkpJ9jihjDNrjy9Qlh2FpisNcZxOCiBtGXIpgHxPzl8iIloi0m3XRalt4K7ro5Tr9SWlZB"
    "Gk5NB/IEdGjrkWvG4Gj3szVBGTJ94LdkGeqMPgoi+xBp2d8hDV0V/vjojNSRg5YMa/oB/Y"
    "/2zPufdO3p58OjwiPCQmNHBrj3ky88aekytAx51MsRSJFKB3KUDL2jEbqx0TrJcsvH8ZDa"
    "7z4Y2RpJl+Q3PJv4lpsI2dAZ2fp57FnV5hRzBM17DYMT72z53Nngx5gCNECX4/E1ibjqFN"
    "MfLYQTqwtu1hhbtgJmWKUNGCZ/nxW+OkXLaXytD0bDWYEkW219CHJuhk4Z7qGlFpsi+e2+"
    "JqzGTA5MasOVIXKZ0h9k/Nk7c5NACujEmVAZTrAJ5kVVTHbSKG6xz6ETmESwaaykDTtke8"
    "faOTmW0/9p4K6nQl7h+Vqfqf/ZYKfapTsmtZQktTTRM/iTxTvKhRxqjuq+B5j8TQyVx9pA"
    "xd1yg8HWRM5wV+WPYbe1HgD9dY1zLyrV26e1nEK5vur/EiXnxx5ApQxSDHaWTxrhTE2foK"
    "HJsa8IbtBZy/zZceX6gvGL5cxwoVI5FWqMatUA7VKGYzXanCQIJUajnbruXM6Ix248ACnB"
    "ZFHtQfjAx7G79dyt0aUcOKvO3AosS0Hx4w60JETA6eHcN1KQ/QmKiuNgO2c/JCTuGZp2N4"
    "/jHMdHYMhOMjYsFp6pAgIWJOfdrmH3Fv3VvjMQpicIaPxxgfsvSHQTYZ6+AGkSP6EVEZCR"
    "rj/ITmTH1hx+QWJzUmnscZjY/GPg+W7Y5IZLE4HI9/Av4c3hHbewuiTuE7MGM9DsGyA3yM"
    "XjkJxe+d5bOQIGYfgYa/dzy2rDmQaBd8te+VU5mVLzOeC8bNb8VgXszzJwYryzC9nh880U"
    "GbOajOzXBwcXd+exouvXtrOBhcnZLQT3XH8drhSsmMQ/FKiCikVSXHWvUI37HqtA5pWz2j"
    "v/Z7307Jk0Gf761v3dvzX0/JM2779xbMMZjo2kyFWX7Z/2vvFHjsR3pv/dLHDPkPBibI/z"
    "K4vBwA/dQ2TRt66F/dDHujUX9wfUqM+QI4FfTehL4u++d/hc5MQ3uEX90h9qw60MNgeNEb"
    "nvoV3O+tmzuc2iN41sJDywGjq6yq5hPsPxek7fgCQklRHpSixB1TpGnPDGhCKLkY3J1d9g"
    "iM/XkfBz/J6PKbeClysxj2upfSz+J7DD6LMXkVj6gYhTyiXjf8e6yRCmeCG6Zjk6pNYR1f"
    "HNXTv5jqQydHJo5uHpVJxFNspkyh3QplzjgxcTyTwpnuWSBLPhvuLDDJGDqFOXMEd0JJEG"
    "YG/L9rE51qcLe82NmaffsiMPMm/6CaCzItosPIM/AnwLEwv0tyMB7DZoR8x+nPwD7M/jwG"
    "WXo8xtc5fX/049F/B7+BXz/9eHp8fDweH95bGCICErU/ickCBF3k3Y4Is7nliWmqFYjiIH"
    "ZbxF6ADI8AgyDPXBCFeXiKrvPPtGyUfo/8TtXg5fWgOSNwm8DEZJjZ4QEmKP9goAARfQ5/"
    "/K87hlcMIYEvVc1nkN/JzIYphBgEk5fBrQMkVTVe5ITB6zzZ5hPVD3nQy3gclvHjLfkP/v"
    "6BOmKuvgATBo8wD4tDY0ImNnizTGjM77HqTnGBXprdtml2E15MGQFj3rtQuhcXKF+cEgaf"
    "hjPNX+v3VnD/ove1f95b3tZhEWmByKIM+9e/+HKLgmPlCzXK2d1wdOuLNsrEc5jrCz7hdR"
    "R/wuvXvW9K9/x8cHcN7/mtOwS536LA/PirT2Gw/c9BJLrsjn5VRt3LnhIjgFeOvE6UGBm8"
    "+y9XX5Xu9eCqe/m/8H7zJwX2kLlqvtxbKJz1htFNFNNgQQf3VxGN3lcRjd4Xi0bvM6JRuD"
    "Hkzr4C9/6IpM2TbkV72UaycDJvPledWjEqMRIBKh6mpnEljN+XYPw+i3F44taxS8ZppGGy"
    "ccMk00BuqaV2WVJsU+uyqeChDatc9rCqJ7LeNSd3Z3DTuz7lTDuc7bCQ+8MrLOEJWE8NZ0"
    "71e+uiP7rqj0Z4VTfY3EA/tHYoHgPxYQWtWJJSZmRqs1IsMnSvshAj6i0uRMu2ahfXvQb4"
    "YDiBEtjkYa/3t57yrXt52QM+e+pQ+i+qPKumSZEF716f9y4VbhwYnQZSquJLsCstzMZ98H"
    "zQFZgE+Ok1OIYMoWQbGmcb9suWICubysqmctSrnZ2ZCJWQzZm81LMqZehkLc425LcTENDW"
    "pLdrGbbrZreLKnDm7wfbM4LuKbCZLbB2gdNNmkKvDMtz6ZmnPdLcALjE/aMygyg8wXxxDY"
    "0pc05T0Sz6DS2LM+iWWtyPl6dp5y62uof48993t+fE7zVr+6zbgW/g9HX8TFlQ9XE8Jn8i"
    "0SXmzdNX1PnCpGje0+w5BSkKOufXsHt3BnIWPu8HRtAVC/WUhBsdyIH6BBP6gZL/IdApdB"
    "l0dIiWx8AOGDyD982tizqIJIaFTo/BraBXF78N7ZD+d/wUGh5Z8LJo0uCJqtCU6VASGCL/"
    "a6Ea+n8FtPeWT4wGXP++sjBVjerj8Snx/++QG24piC562LP/C6Zw2H14AaFlryfM95+5Xr"
    "o/6WeM97bhZxyMVk3mPqIST5rbXz4+K77F970aDGeaTGYMSzPxsdOj3u6VIhQG2S3nF0yd"
    "1SvM7RilMIPQ2PT+h23kpYUpBHXZXkKZhjLJ+NXANEsowU2Dy6MqFEbhMXrNXK8ZUmHQ3X"
    "aqV/TmmlPGwtrfFed3hk6YAWhseqMDXc1pvSQRBs0tT2f0ZawzjZfthQG8senL3UK1fFai"
    "bA4n6YTBdcsTOQoVrDOdU1TCgN9ctWEMt6x1zi0JJJhpMFUd2tgKRq3WQDRFJWFNw5pQ9t"
    "YANkMnoc2HtjamEsxcBiE0YtTkD+JkwqC6ZfYgMPrUcUOIKIQBvTmvjoTVrN58ztIKg++2"
    "dRHcp9WsdeglaIQBvrGJjWF1fiaSeudehk5Cm1XvPFGF+dJWPY+wHErpGdYGV7vWOamK5G"
    "vXNnDXdbbLrYMRX9oNQHsJ3Y2i3vZrP6gKcM522Cq3O3R5PMN4906Oz11086iawx3PVMHD"
    "5ysnnmcwZ6j+xrAIEv/AeGg+4wkt0AxDQjNMwqEO7/qOPkfkkS5cuGO+wB8tkz+s+SfcW+"
    "6MvpCFyjAn59S0bYccnKIXk5/Uc4kGpvfkIvYxTy6gfLkcDIYKZiEY+e5sCmYeGI3Hh6e8"
    "z2VWlGWOEHxRaMnfkqPKs6kwP5GK7bk8B+gzT2DiqoUJ8iP/tzBXkPSDa5+kIP3gvk8/uA"
    "JD6ndkRW3O/gH7ZF0zv4RSiifbcbaSiRClwLd7eaSWwCdzS1aBtKW5Jb9y78yvBjNyZbv4"
    "7aNq0l2QjuwJaWoUX/DJMNIn6OCRvmCYj5/Y8PRnQw+yNk5AmImuYI2D8Vi1bCu4cAgCWk"
    "a8a/oB95iugqDUTgKpnSd79IVCeEIkykMHb4Pk2VQnzzPDpDzbI9KWJFgMt6mkTiB68ZyM"
    "i9HOBiKgwii1ZG2ElspqK6nMG9CWC82MxhZHBtTifHhJKgETD376UCHJzacPhUlu8FYS6N"
    "gGkwG6XNuQpBQwpYZQKgd1xVFOEMpBbvUgR1xa5eizkECeQBnXugW1UBCwaFFZ8mInuxxS"
    "CbCMlmoLLyt1fiLp/FpmJZcqvxbop1qs8mvZdF1X47drZ44udQxt1snR9gV3jkoVfVGb1/"
    "R6xYi+XhW0lubqe1FbbaxSyBN18t21ShQnEYmAWpOTjx8rqE2gVXG5BryXChaDRVUD4aC5"
    "gOi+q1So4V1JoYZ32UIN8ESXWrWyLsdItp9veTcaisYyK2cYrm0eZv/5f5SlmV0="
)
