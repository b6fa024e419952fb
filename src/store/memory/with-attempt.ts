import type { StoredWebhook, WebhookAttempt } from '../../core/ports/index.js';

/** Where delivery to a device stands: a webhook's, a push subscription's. */
type DeliveryState = Pick<StoredWebhook, 'ackedId' | 'failures' | 'lastSuccessAt' | 'lastError' | 'lastErrorAt'>;

/**
 * A device after an attempt its lease holder records (see WebhookStore.recordWebhookAttempt): a success moves the
 * position up, never down, and zeroes the failures, keeping the last error; a failure counts one more.
 */
export function withAttempt<T extends DeliveryState>(device: T, attempt: WebhookAttempt): T {
  if (attempt.error !== undefined) {
    return { ...device, failures: device.failures + 1, lastError: attempt.error, lastErrorAt: attempt.at };
  }
  return {
    ...device,
    ackedId: Math.max(device.ackedId, attempt.ackedId ?? 0),
    lastSuccessAt: attempt.at,
    failures: 0,
  };
}
