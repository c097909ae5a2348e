// Webhooks: endpoints per Frontdoor, signed deliveries queued with the change they announce.
export { type WebhookView } from "@/lib/domain/webhooks/access";
export { type CreatedWebhook, createWebhook, deleteWebhook, enableWebhook, findWebhook, getWebhook, listWebhooks } from "@/lib/domain/webhooks/manage";
export { DELIVERY_LOG_SIZE, type DeliveryView, listDeliveries, pruneDeliveries, redeliver, sendTestEvent } from "@/lib/domain/webhooks/deliveries";
export { type DeliveryResult, deliverWebhook } from "@/lib/domain/webhooks/deliver";
export { sendExpiryNotices } from "@/lib/domain/webhooks/expiring";
