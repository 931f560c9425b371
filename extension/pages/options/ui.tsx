import { Fragment, type ComponentChildren, type VNode } from 'preact';
import type { ConfigurationLayer } from '../../shared/configuration';
import type { MessageKey, Translate } from '../../shared/i18n';
import type { Problem } from '../../shared/messages';

const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * A translated sentence with values that stay elements: text from configuration, a tab or a file
 * goes into `<bdi>`, so a name with bidirectional-override characters cannot reorder the rest of
 * the sentence. Private-use markers stand in for the values while the browser fills placeholders.
 */
export function Msg({ t, k, values = [] }: { t: Translate; k: MessageKey; values?: ComponentChildren[] }): VNode {
  const text = t(k, values.map((_, index) => `${OPEN}${index}${CLOSE}`));
  const parts = text.split(new RegExp(`${OPEN}(\\d+)${CLOSE}`));
  return (
    <>
      {parts.map((part, index) => {
        if (index % 2 === 0) return part;
        const value = values[Number(part)];
        return typeof value === 'string' || typeof value === 'number' ? <bdi key={index}>{value}</bdi> : value;
      })}
    </>
  );
}

/** `Msg` as an expression, for status messages built in event handlers. */
export function msg(t: Translate, k: MessageKey, ...values: ComponentChildren[]): VNode {
  return <Msg t={t} k={k} values={values} />;
}

/** A list of values from configuration, each isolated, separated by commas. */
export function IsolatedList({ items, empty }: { items: readonly string[]; empty: ComponentChildren }) {
  if (items.length === 0) return <>{empty}</>;
  return (
    <>
      {items.map((item, index) => (
        <Fragment key={`${index}:${item}`}>
          {index > 0 && ', '}
          <bdi>{item}</bdi>
        </Fragment>
      ))}
    </>
  );
}

/** Where a value comes from, as a badge: built in, saved here, or set by policy (and therefore locked). */
export function SourceBadge({ source, t }: { source: ConfigurationLayer; t: Translate }) {
  const key: MessageKey = source === 'policy' ? 'options_source_policy' : source === 'saved' ? 'options_source_saved' : 'options_source_default';
  return <span class={`vs-badge vs-badge-${source}`}>{t(key)}</span>;
}

/** The note next to anything browser policy sets. */
export function LockedNote({ t }: { t: Translate }) {
  return (
    <p class="vs-locked">{t('options_locked')}</p>
  );
}

/** The head of an item card: its name, where it comes from, and whether policy locks it. */
export function CardHeading({ id, name, source, t }: { id: string; name: string; source: ConfigurationLayer; t: Translate }) {
  return (
    <>
      <header class="vs-card-header">
        <h3 id={id}>
          <bdi>{name}</bdi>
        </h3>
        <SourceBadge source={source} t={t} />
      </header>
      {source === 'policy' && <LockedNote t={t} />}
    </>
  );
}

/**
 * A problem's path: it may carry a field name from an imported file or from policy (an unknown field
 * called "\u202E…"), so it is isolated like any other text from configuration.
 */
export function ProblemPath({ path }: { path: string }) {
  return (
    <bdi>
      <code class="vs-path">{path}</code>
    </bdi>
  );
}

/** Problems as `path: message`, each its own list item; both parts isolated, as either may quote configuration. */
export function ProblemList({ problems, id }: { problems: readonly Problem[]; id?: string }) {
  return (
    <ul class="vs-problems" id={id}>
      {problems.map((problem, index) => (
        <li key={`${index}:${problem.path}`}>
          {problem.path ? (
            <>
              <ProblemPath path={problem.path} />: <bdi>{problem.message}</bdi>
            </>
          ) : (
            <bdi>{problem.message}</bdi>
          )}
        </li>
      ))}
    </ul>
  );
}
