export type * from './conditional-access.ts';
export type * from './credential-addition.ts';
export type * from './directory-audit.ts';
export type * from './ingest.ts';
export type * from './inventory.ts';
export type * from './privilege.ts';
export type * from './risk.ts';
export type * from './sign-in.ts';
