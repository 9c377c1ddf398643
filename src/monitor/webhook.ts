import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import { RetryBudget, withRetry } from '../common/retry.js';
import { ErrorCode, ProoflineError, errorMessage } from '../errors.js';

/**
 * POST an alert as JSON to a webhook. Network errors, timeouts, 5xx, 408 and 429 are
 * WEBHOOK_UNAVAILABLE (transient: retried with backoff by the one retry helper); other
 * 4xx are WEBHOOK_REFUSED (the receiver rejects the payload itself: retrying cannot help).
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
  const attempt = async (): Promise<void> => {
    attempts += 1;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'proofline-monitor' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (e) {
      throw new ProoflineError(ErrorCode.WEBHOOK_UNAVAILABLE, `webhook ${where} did not answer: ${redactText(errorMessage(e))}`, { cause: e });
    }
    lastStatus = res.status;
    // Drain the body to free the socket; the status above is the answer.
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return;
    const refused = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
    throw new ProoflineError(refused ? ErrorCode.WEBHOOK_REFUSED : ErrorCode.WEBHOOK_UNAVAILABLE, `webhook ${where} answered HTTP ${res.status}`);
  };
  // One delivery has its own budget: `attempts` in all, the configured backoff doubling up to 32×.
  const budget = new RetryBudget({ retries: options.attempts - 1, maxTimeMs: Number.POSITIVE_INFINITY, minDelayMs: options.backoffMs, maxDelayMs: options.backoffMs * 32 });
  try {
    await withRetry('webhook', attempt, {
      budget,
      classify: (e) => (e instanceof ProoflineError ? e : undefined),
      onRetry: (r) => logger().warn({ event: 'webhook_retry', url: where, attempt: r.attempt, retriesLeft: r.retriesLeft, err: redactText(r.error.message) }, 'alert webhook attempt failed'),
    });
    return { delivered: true, attempts, ...(lastStatus !== undefined ? { status: lastStatus } : {}) };
  } catch (e) {
    return { delivered: false, attempts, ...(lastStatus !== undefined ? { status: lastStatus } : {}), error: redactText(errorMessage(e)) };
  }
}
