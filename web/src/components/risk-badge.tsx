import { words } from '../format.ts';

/** A risk level as a coloured badge whose text says it too (colour is never the only signal). */
export function RiskBadge(props: { level: unknown }) {
  const level = typeof props.level === 'string' ? props.level : 'unknown';
  return <span class={`badge level-${level}`}>{level}</span>;
}

/** A risk state or other enum value in words. */
export function StateBadge(props: { state: unknown }) {
  const state = typeof props.state === 'string' ? props.state : 'unknown';
  return <span class={`badge state-${state}`}>{words(state)}</span>;
}
