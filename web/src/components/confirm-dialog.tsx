import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';

/** What a confirmation asks: a title, what will happen, and the button that does it. */
export interface ConfirmDialogProps {
  title: string;
  children: ComponentChildren;
  /** The button that acts; null for a dialog that only shows something (Cancel then closes it). */
  confirmLabel: string | null;
  /** The closing button's label (default Cancel). */
  cancelLabel?: string;
  /** A destructive action's button is styled as one. */
  danger?: boolean;
  busy?: boolean;
  /** The action cannot run yet (a field is missing). */
  confirmDisabled?: boolean;
  /** Focus the first field of the body when the dialog opens, instead of Cancel. */
  focusField?: boolean;
  /** Where focus goes on closing when the control that opened the dialog is gone (an element id). */
  returnFocusTo?: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * A modal confirmation on the native `<dialog>`: it traps focus, Escape cancels, and focus goes
 * back where it was when it closes. Cancel has the focus first, so Enter never confirms by accident.
 */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const { returnFocusTo } = props;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement as HTMLElement | null;
    dialog.showModal();
    const field = props.focusField
      ? dialog.querySelector<HTMLElement>('.dialog-body input, .dialog-body select, .dialog-body textarea')
      : null;
    (field ?? cancelRef.current)?.focus();
    return () => {
      dialog.close();
      // The opener may have gone while the dialog was open (the step it acted on is done).
      const fallback = returnFocusTo ? document.getElementById(returnFocusTo) : null;
      if (opener?.isConnected) opener.focus();
      else if (fallback) {
        fallback.tabIndex = -1;
        fallback.focus();
      }
    };
  }, []);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!props.busy) props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <div class="dialog-actions">
        <button type="button" ref={cancelRef} onClick={props.onCancel} disabled={props.busy}>
          {props.cancelLabel ?? 'Cancel'}
        </button>
        {props.confirmLabel === null ? null : (
          <button
            type="button"
            class={props.danger ? 'danger' : 'primary'}
            onClick={props.onConfirm}
            disabled={props.busy || props.confirmDisabled}
          >
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        )}
      </div>
    </dialog>
  );
}
