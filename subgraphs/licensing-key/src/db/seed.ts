import type { DataSource } from 'typeorm';
import type { Clock } from '@partner-graph/platform';

/**
 * No demo keys: a key is a secret shown once, at ordering, so demo keys are ordered through
 * `orderProductKeys` like any others.
 */
export async function seedDemo(_db: DataSource, _clock: Clock): Promise<void> {}
