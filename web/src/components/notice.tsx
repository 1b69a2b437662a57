import type { ComponentChildren } from 'preact';

/** What an action came to: done (`ok`) or refused (`error`), in words. */
export interface NoticeText {
  kind: 'ok' | 'error';
  text: string;
}

/** One notice: a success is read out as a status, a refusal as an alert. Nothing without text. */
export function Notice(props: { kind: NoticeText['kind']; text: string | null }) {
  if (props.text === null) return null;
  return (
    <p class={`notice ${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.text}
    </p>
  );
}

/** Where a page's notices appear: a polite live region whose place is kept, so nothing jumps. */
export function NoticeSlot(props: { children: ComponentChildren }) {
  return (
    <div class="notice-slot" aria-live="polite">
      {props.children}
    </div>
  );
}
