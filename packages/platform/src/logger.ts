import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; every request's lines carry its `requestId` (see `Logger.child`). */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
