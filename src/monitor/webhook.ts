import pRetry, { AbortError } from 'p-retry';
import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import { errorMessage } from '../errors.js';

/**
 * POST an alert as JSON to a webhook, retrying with exponential backoff on network
 * errors, timeouts, 5xx, 408 and 429. Other 4xx mean the receiver rejects the payload
 * itself: retrying cannot help, so it stops there.
 */

export interface WebhookOptions {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
}

export interface WebhookDelivery {
  delivered: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

export async function postWebhook(url: string, payload: unknown, options: WebhookOptions): Promise<WebhookDelivery> {
  let attempts = 0;
  let lastStatus: number | undefined;
  const where = redactText(url);
  try {
    await pRetry(
      async () => {
        attempts += 1;
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'proofline-monitor' },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        lastStatus = res.status;
        // Drain the body to free the socket; the status above is the answer.
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        const err = new Error(`webhook ${where} answered HTTP ${res.status}`);
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new AbortError(err);
        throw err;
      },
      {
        retries: options.attempts - 1,
        factor: 2,
        minTimeout: options.backoffMs,
        maxTimeout: options.backoffMs * 32,
        onFailedAttempt: (e) => {
          logger().warn({ event: 'webhook_retry', url: where, attempt: e.attemptNumber, retriesLeft: e.retriesLeft, err: redactText(e.message) }, 'alert webhook attempt failed');
        },
      },
    );
    return { delivered: true, attempts, ...(lastStatus !== undefined ? { status: lastStatus } : {}) };
  } catch (e) {
    return { delivered: false, attempts, ...(lastStatus !== undefined ? { status: lastStatus } : {}), error: redactText(errorMessage(e)) };
  }
}
