import { randomBytes } from 'node:crypto';

/** A unique name per test, so tests never share topics, groups or keys. */
export const uniq = (label: string) => `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
