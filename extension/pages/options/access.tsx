import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { MessageKey } from '../../shared/i18n';
import type { OptionsView } from '../../shared/messages';
import type { OptionsDependencies, PageActions } from './dependencies';
import type { HostAccess } from './host-access';
import type { AddressProblem } from '../../shared/addresses';
import { msg } from './ui';

/** Every origin an adapter page or an endpoint of `view` needs access to. */
export function originsInUse(view: OptionsView): string[] {
  const origins = new Set<string>();
  for (const { value } of view.adapters) for (const page of value.pages) origins.add(page.origin);
  for (const { value } of view.endpoints) if (URL.canParse(value.url)) origins.add(new URL(value.url).origin);
  return [...origins];
}

/**
 * Of `origins`, those nothing in `view` needs any more. Compared by access pattern, because in
 * Firefox one pattern covers every port of a host: giving one back would take the others too.
 */
export function unusedOrigins(origins: readonly string[], view: OptionsView, hostAccess: HostAccess): string[] {
  const needed = new Set(originsInUse(view).map((origin) => hostAccess.patternFor(origin)));
  return [...new Set(origins)].filter((origin) => !needed.has(hostAccess.patternFor(origin)));
}

/**
 * After an item was removed: gives back access to the sites only it used, and says so together with
 * `removed`. A site another adapter or endpoint still uses keeps its access; a site that never had
 * access is not mentioned.
 */
export async function releaseUnusedAccess(
  change: { origins: readonly string[]; before: OptionsView; after: OptionsView; removed: ComponentChildren },
  deps: OptionsDependencies,
  actions: PageActions,
): Promise<void> {
  const unused = unusedOrigins(change.origins, change.after, deps.hostAccess).filter((origin) => change.before.hostAccess[origin] === true);
  if (unused.length === 0) return;
  const released = await deps.hostAccess.remove(unused);
  const list = unused.join(', ');
  actions.report(
    <>
      {change.removed} {released ? msg(deps.t, 'options_access_released', list) : msg(deps.t, 'options_access_notReleased', list)}
    </>,
  );
}

/** Text for an address the page refused before asking the browser. */
export function addressProblemKey(problem: AddressProblem): MessageKey {
  switch (problem) {
    case 'empty':
      return 'options_address_empty';
    case 'not-a-url':
      return 'options_address_notUrl';
    case 'not-https':
      return 'options_address_notHttps';
    case 'has-path':
      return 'options_address_hasPath';
    case 'has-extras':
      return 'options_address_hasExtras';
  }
}

/**
 * Whether the browser lets Vroegsignaal reach `origin`, with a button to ask when it does not.
 * The request is made in the click handler itself: after an await the gesture would be gone.
 */
export function AccessStatus({ origin, granted, deps, actions, describedBy }: { origin: string; granted: boolean; deps: OptionsDependencies; actions: PageActions; describedBy?: string }) {
  const { t } = deps;
  const [busy, setBusy] = useState(false);
  const ask = () => {
    const request = deps.hostAccess.request([origin]);
    setBusy(true);
    void request.then(async (ok) => {
      setBusy(false);
      if (ok) {
        await actions.refresh();
        actions.report(msg(t, 'options_access_granted', origin));
      } else {
        actions.refuse({ summary: msg(t, 'options_access_refused', origin), problems: [], unchanged: t('options_access_refusedHint') });
      }
    });
  };
  if (granted) return <span class="vs-access vs-access-yes">{t('options_access_yes')}</span>;
  return (
    <span class="vs-access vs-access-no">
      {t('options_access_no')}{' '}
      <button type="button" class="vs-secondary vs-small" disabled={busy} aria-describedby={describedBy} onClick={ask}>
        {t('options_access_grant')}
      </button>
    </span>
  );
}
