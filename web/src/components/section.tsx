import type { ComponentChildren } from 'preact';
import type { Loaded } from '../use-load.ts';

/**
 * A titled section of a principal's page with loading and error states of its own, so one failure
 * leaves the rest readable. Read again, it keeps showing what it had until the new answer arrives,
 * so nothing jumps.
 */
export function Section(props: {
  title: string;
  loaded: Pick<Loaded<unknown>, 'status' | 'error' | 'data'>;
  needs?: boolean;
  children: ComponentChildren;
}) {
  const slug = props.title.toLowerCase().replace(/[^a-z]+/g, '-');
  let body: ComponentChildren;
  if (props.needs === false) body = <p class="state">Your role cannot read this.</p>;
  else if (props.loaded.status === 'loading' && props.loaded.data === null)
    body = (
      <div class="skeleton-block">
        <span class="visually-hidden">Loading…</span>
      </div>
    );
  else if (props.loaded.status === 'error')
    body = (
      <p class="state error" role="alert">
        {props.loaded.error?.message}
      </p>
    );
  else body = props.children;
  return (
    <section class="panel" aria-labelledby={`s-${slug}`} aria-busy={props.loaded.status === 'loading'}>
      <h2 id={`s-${slug}`}>{props.title}</h2>
      {body}
    </section>
  );
}
