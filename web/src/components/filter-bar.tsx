import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import { words } from '../format.ts';

/** The filters both reports share: three enum choices, a date range and a text search. */
export interface FilterValues {
  level: string;
  state: string;
  type: string;
  /** `YYYY-MM-DD`, UTC days; empty for no bound. */
  from: string;
  to: string;
  search: string;
}

/** One drop-down filter. */
export interface FilterField {
  name: 'level' | 'state' | 'type';
  label: string;
  options: string[];
  /** How each option reads; its wire name in words otherwise. */
  names?: Readonly<Record<string, string>>;
}

/** A labelled row of filters; every change applies at once. */
export function FilterBar(props: {
  label: string;
  values: FilterValues;
  onChange: (values: FilterValues) => void;
  fields: FilterField[];
  dateLabel: string;
  children?: ComponentChildren;
}) {
  const id = useId();
  const { values, onChange } = props;
  const any = Object.values(values).some((v) => v !== '');
  return (
    <form class="filters" aria-label={props.label} onSubmit={(e) => e.preventDefault()}>
      {props.fields.map((f) => (
        <label key={f.name} class="field">
          <span>{f.label}</span>
          <select
            name={f.name}
            value={values[f.name]}
            onChange={(e) => onChange({ ...values, [f.name]: (e.target as HTMLSelectElement).value })}
          >
            <option value="">Any</option>
            {f.options.map((o) => (
              <option key={o} value={o}>
                {f.names?.[o] ?? words(o)}
              </option>
            ))}
          </select>
        </label>
      ))}
      <label class="field">
        <span>{props.dateLabel} from</span>
        <input
          type="date"
          name="from"
          id={`${id}-from`}
          value={values.from}
          onChange={(e) => onChange({ ...values, from: (e.target as HTMLInputElement).value })}
        />
      </label>
      <label class="field">
        <span>to</span>
        <input
          type="date"
          name="to"
          value={values.to}
          onChange={(e) => onChange({ ...values, to: (e.target as HTMLInputElement).value })}
        />
      </label>
      {props.children}
      <button
        type="button"
        class="link"
        disabled={!any}
        onClick={() => onChange({ level: '', state: '', type: '', from: '', to: '', search: '' })}
      >
        Clear filters
      </button>
    </form>
  );
}

/**
 * A search box that applies what is typed after a short pause (`committed` false: the address is
 * replaced, not added to) and at once on Enter (`committed` true).
 */
export function SearchBox(props: {
  label: string;
  value: string;
  onChange: (value: string, committed: boolean) => void;
}) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  useEffect(() => {
    if (text.trim() === props.value) return;
    const timer = setTimeout(() => props.onChange(text.trim(), false), 300);
    return () => clearTimeout(timer);
  }, [text, props.value, props.onChange]);
  return (
    <label class="field grow">
      <span>{props.label}</span>
      <input
        type="search"
        name="search"
        value={text}
        placeholder="Name"
        onInput={(e) => setText((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') props.onChange(text.trim(), true);
        }}
      />
    </label>
  );
}

/** The page sizes a report offers. */
export const PAGE_SIZES = [10, 25, 50, 100] as const;

/** How many rows a page shows. */
export function PageSizeSelect(props: { value: number; onChange: (n: number) => void }) {
  return (
    <label class="field inline">
      <span>Rows per page</span>
      <select
        name="pageSize"
        value={String(props.value)}
        onChange={(e) => props.onChange(Number((e.target as HTMLSelectElement).value))}
      >
        {PAGE_SIZES.map((n) => (
          <option key={n} value={String(n)}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}
