import type { JobQueue, Logger } from '@partner-graph/platform';

export const PROVISIONING_QUEUE = 'customer-provisioning';
export const PROVISIONING_SWEEP_QUEUE = 'customer-provisioning-sweep';
export const USER_PURGE_QUEUE = 'customer-user-purge';
export const DELEGATED_ADMIN_EXPIRY_QUEUE = 'delegated-admin-expiry';

/**
 * The job queue when this process runs the workers. A process without it (an HTTP-only
 * replica) still loses nothing: the provisioning work record is committed with the customer,
 * and the worker's sweep enqueues any record still pending.
 */
export class WorkQueue {
  private queue: JobQueue | null = null;
  constructor(private readonly logger: Logger) {}

  attach(queue: JobQueue | null): void {
    this.queue = queue;
  }

  async provision(customerId: string): Promise<void> {
    if (!this.queue) return;
    try {
      await this.queue.send(PROVISIONING_QUEUE, { customerId }, { singletonKey: customerId });
    } catch (error) {
      // The sweep enqueues it again; the customer was already committed as PROVISIONING.
      this.logger.warn({ err: error, customerId }, 'could not enqueue provisioning');
    }
  }
}
