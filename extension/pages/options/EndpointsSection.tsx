import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConfigurationLayer, EndpointFormat } from '../../shared/configuration';
import type { EndpointTestResult, EndpointView, OptionsView, Problem } from '../../shared/messages';
import { AccessStatus, addressProblemKey, releaseUnusedAccess } from './access';
import type { OptionsDependencies, SectionProps } from './dependencies';
import { checkEndpointUrl, originOf } from '../../shared/addresses';
import { CardHeading, IsolatedList, LockedNote, msg } from './ui';

const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const TOKEN_PATTERN = /^[\x21-\x7e]{8,4096}$/;
const SECRET_PATTERN = /^[\x21-\x7e]{32,4096}$/;
/** The id the bundled rule sets send to. */
const DEFAULT_ENDPOINT_ID = 'sociaal-wijkteam';

/** Names of the rule sets whose referrals go to endpoint `id`. */
function ruleSetsUsing(view: OptionsView, id: string, locale: OptionsDependencies['locale']): string[] {
  return view.ruleSets.filter(({ value }) => value.referral.endpoint === id).map(({ value }) => value.name[locale]);
}

/** For a new endpoint: an id a rule set already sends to but that is not configured, else the usual one for the first. */
function suggestedId(view: OptionsView): string {
  const configured = new Set(view.endpoints.map(({ value }) => value.id));
  const wanted = view.ruleSets.map(({ value }) => value.referral.endpoint).find((id) => !configured.has(id));
  return wanted ?? (view.endpoints.length === 0 ? DEFAULT_ENDPOINT_ID : '');
}

/** Section 3: where referrals go, how Vroegsignaal signs in there, and whether it can reach it. */
export function EndpointsSection({ view, deps, actions }: SectionProps) {
  const { t } = deps;
  const locked = view.lockedSections.includes('endpoints');
  const [editing, setEditing] = useState<string | null>(null);
  const returnFocusTo = useRef<string | null>(null);
  const edited = editing === null ? undefined : view.endpoints.find(({ value }) => value.id === editing);

  useEffect(() => {
    if (editing !== null || !returnFocusTo.current) return;
    document.getElementById(returnFocusTo.current)?.focus();
    returnFocusTo.current = null;
  }, [editing]);

  const stopEditing = () => {
    if (editing !== null) returnFocusTo.current = `endpoint-${editing}-edit`;
    setEditing(null);
  };

  return (
    <section id="endpoints" class="vs-section" tabIndex={-1} aria-labelledby="endpoints-title">
      <h2 id="endpoints-title">{t('options_endpoints_title')}</h2>
      <p class="vs-section-intro">{t('options_endpoints_intro')}</p>
      {locked && <LockedNote t={t} />}
      {view.endpoints.length === 0 && <p class="vs-empty">{t('options_endpoints_none')}</p>}
      {view.endpoints.map(({ value, source }) => (
        <EndpointCard
          key={value.id}
          endpoint={value}
          source={source}
          locked={locked || source === 'policy'}
          view={view}
          deps={deps}
          actions={actions}
          onEdit={() => setEditing(value.id)}
        />
      ))}
      <EndpointForm
        key={editing ?? 'new'}
        endpoint={edited?.value}
        locked={locked}
        view={view}
        deps={deps}
        actions={actions}
        onClose={stopEditing}
      />
    </section>
  );
}

function EndpointCard({
  endpoint,
  source,
  locked,
  view,
  deps,
  actions,
  onEdit,
}: { endpoint: EndpointView; source: ConfigurationLayer; locked: boolean; onEdit(): void } & SectionProps) {
  const { t, locale } = deps;
  const [test, setTest] = useState<{ running: true } | { running: false; result: EndpointTestResult } | { running: false; failed: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const origin = originOf(endpoint.url);
  const base = `endpoint-${endpoint.id}`;

  const runTest = async () => {
    setTest({ running: true });
    const reply = await deps.client.send({ type: 'options/test-endpoint', id: endpoint.id });
    setTest(reply.ok ? { running: false, result: reply.data } : { running: false, failed: reply.error.message });
  };

  const remove = async () => {
    setBusy(true);
    const removed = msg(t, 'options_endpoints_removed', endpoint.name);
    const after = await actions.change({ type: 'options/remove-item', section: 'endpoints', id: endpoint.id }, { done: removed, unchanged: t('options_nothingRemoved') });
    if (after && origin) await releaseUnusedAccess({ origins: [origin], before: view, after, removed }, deps, actions);
    setBusy(false);
  };

  return (
    <article class="vs-card" aria-labelledby={`${base}-title`}>
      <CardHeading id={`${base}-title`} name={endpoint.name} source={source} t={t} />
      <dl class="vs-facts">
        <dt>{t('options_endpoints_id')}</dt>
        <dd>
          <code>{endpoint.id}</code>
        </dd>
        <dt>{t('options_endpoints_url')}</dt>
        <dd>
          <bdi id={`${base}-url`}>{endpoint.url}</bdi>
        </dd>
        <dt>{t('options_endpoints_format')}</dt>
        <dd>{endpoint.format === 'json-webhook' ? t('options_endpoints_jsonWebhook') : t('options_endpoints_fhirR4')}</dd>
        <dt>{t('options_endpoints_auth')}</dt>
        <dd>{endpoint.auth.scheme === 'bearer' ? msg(t, 'options_endpoints_bearerWithHint', endpoint.auth.tokenHint) : t('options_endpoints_authNone')}</dd>
        {endpoint.signingSecretHint && (
          <>
            <dt>{t('options_endpoints_secret')}</dt>
            <dd>{msg(t, 'options_endpoints_secretWithHint', endpoint.signingSecretHint)}</dd>
          </>
        )}
        <dt>{t('options_access')}</dt>
        <dd>{origin && <AccessStatus origin={origin} granted={view.hostAccess[origin] === true} deps={deps} actions={actions} describedBy={`${base}-url`} />}</dd>
        <dt>{t('options_endpoints_usedBy')}</dt>
        <dd>
          <IsolatedList items={ruleSetsUsing(view, endpoint.id, locale)} empty={t('options_endpoints_usedByNone')} />
        </dd>
      </dl>
      <div class="vs-actions">
        <button type="button" id={`${base}-edit`} class="vs-secondary" disabled={locked} onClick={onEdit}>
          {t('options_edit')}
        </button>
        <button type="button" class="vs-secondary" disabled={test?.running === true} onClick={() => void runTest()}>
          {t('options_endpoints_test')}
        </button>
        {source === 'saved' && (
          <button type="button" class="vs-secondary vs-danger" disabled={locked || busy} onClick={() => void remove()}>
            {t('options_remove')}
          </button>
        )}
      </div>
      <div class="vs-test-result" aria-live="polite">
        {test && <EndpointTestOutcome test={test} deps={deps} />}
      </div>
    </article>
  );
}

function EndpointTestOutcome({ test, deps }: { test: { running: true } | { running: false; result: EndpointTestResult } | { running: false; failed: string }; deps: OptionsDependencies }) {
  const { t } = deps;
  if (test.running) return <p>{t('options_test_running')}</p>;
  if ('failed' in test) return <p class="vs-error">{msg(t, 'options_test_failed', test.failed)}</p>;
  const { result } = test;
  switch (result.outcome) {
    case 'ok':
      return <p class="vs-ok">{msg(t, 'options_test_ok', result.software ?? t('options_test_unknownSoftware'), result.fhirVersion ?? '?')}</p>;
    case 'network':
      return <p class="vs-error">{msg(t, 'options_test_network', result.detail)}</p>;
    case 'timeout':
      return <p class="vs-error">{t('options_test_timeout')}</p>;
    case 'http':
      return (
        <p class="vs-error">
          {msg(t, 'options_test_http', String(result.status ?? result.detail))}
          {(result.status === 401 || result.status === 403) && <> {t('options_test_checkToken')}</>}
        </p>
      );
    case 'not-fhir':
      return <p class="vs-error">{msg(t, 'options_test_notFhir', result.detail)}</p>;
  }
}

/**
 * The form for a new endpoint and for editing one; the token and a webhook's signing secret are write-only. After adding, it empties
 * in place (keeping the focus where it was); editing closes it.
 */
function EndpointForm({
  endpoint,
  locked,
  view,
  deps,
  actions,
  onClose,
}: { endpoint: EndpointView | undefined; locked: boolean; onClose(): void } & SectionProps) {
  const { t, locale } = deps;
  const [id, setId] = useState(endpoint?.id ?? suggestedId(view));
  const [name, setName] = useState(endpoint?.name ?? '');
  const [url, setUrl] = useState(endpoint?.url ?? '');
  const [format, setFormat] = useState<EndpointFormat>(endpoint?.format ?? 'fhir-r4');
  const [scheme, setScheme] = useState<'none' | 'bearer'>(endpoint?.auth.scheme ?? 'none');
  const [token, setToken] = useState('');
  const [secret, setSecret] = useState('');
  const webhook = format === 'json-webhook';
  // A webhook always signs in with a bearer token (and signs its requests with the secret).
  const effectiveScheme = webhook ? 'bearer' : scheme;
  const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  // Opened by "Bewerken": the administrator asked for this form, so it gets the focus.
  useEffect(() => {
    if (endpoint) nameRef.current?.focus();
  }, []);

  const existing = view.endpoints.find(({ value }) => value.id === id.trim());
  const tokenHint = existing?.value.auth.scheme === 'bearer' ? existing.value.auth.tokenHint : null;
  const secretHint = existing?.value.signingSecretHint ?? null;
  const users = ruleSetsUsing(view, id.trim(), locale);

  const submit = (event: Event) => {
    event.preventDefault();
    if (busy) return;
    const problems: Array<Problem & { field: string }> = [];
    const checkedUrl = checkEndpointUrl(url);
    if (!ID_PATTERN.test(id.trim())) problems.push({ field: 'id', path: t('options_endpoints_id'), message: t('options_id_invalid') });
    if (!name.trim()) problems.push({ field: 'name', path: t('options_endpoints_name'), message: t('options_required') });
    if (!checkedUrl.ok) problems.push({ field: 'url', path: t('options_endpoints_url'), message: t(addressProblemKey(checkedUrl.problem)) });
    if (effectiveScheme === 'bearer' && token === '' && !tokenHint) problems.push({ field: 'token', path: t('options_endpoints_token'), message: t('options_endpoints_tokenMissing') });
    if (effectiveScheme === 'bearer' && token !== '' && !TOKEN_PATTERN.test(token)) problems.push({ field: 'token', path: t('options_endpoints_token'), message: t('options_endpoints_tokenInvalid') });
    if (webhook && secret === '' && !secretHint) problems.push({ field: 'secret', path: t('options_endpoints_secret'), message: t('options_endpoints_secretMissing') });
    if (webhook && secret !== '' && !SECRET_PATTERN.test(secret)) problems.push({ field: 'secret', path: t('options_endpoints_secret'), message: t('options_endpoints_secretInvalid') });
    setInvalid(new Set(problems.map((problem) => problem.field)));
    if (problems.length > 0 || !checkedUrl.ok) {
      actions.refuse({ summary: t('options_refused'), problems, unchanged: t('options_endpoints_unchanged') });
      return;
    }
    // Before any await: the browser only asks the user while the click is being handled.
    const access = deps.hostAccess.request([checkedUrl.origin]);
    void save(access, checkedUrl.url, checkedUrl.origin);
  };

  const save = async (access: Promise<boolean>, endpointUrl: string, origin: string) => {
    setBusy(true);
    const granted = await access;
    const endpointName = name.trim();
    const saved = await actions.change(
      {
        type: 'options/save-item',
        section: 'endpoints',
        item: {
          id: id.trim(),
          name: endpointName,
          url: endpointUrl,
          format,
          // Without a token (or secret) the background keeps the one it has: the page never holds it.
          auth: effectiveScheme === 'none' ? { scheme: 'none' } : token ? { scheme: 'bearer', token } : { scheme: 'bearer' },
          ...(webhook && secret ? { signingSecret: secret } : {}),
        },
      },
      {
        done: granted ? msg(t, 'options_endpoints_saved', endpointName) : msg(t, 'options_endpoints_savedNoAccess', endpointName, origin),
        unchanged: t('options_endpoints_unchanged'),
      },
    );
    setBusy(false);
    if (!saved) return;
    if (endpoint) {
      onClose();
      return;
    }
    setId(suggestedId(saved));
    setName('');
    setUrl('');
    setFormat('fhir-r4');
    setScheme('none');
    setToken('');
    setSecret('');
    setInvalid(new Set());
  };

  const invalidProps = (field: string, hint: string) => ({ 'aria-invalid': invalid.has(field), 'aria-describedby': hint });

  return (
    <form class="vs-form vs-subform" onSubmit={submit} noValidate aria-labelledby="endpoint-form-title">
      <h3 id="endpoint-form-title">{endpoint ? msg(t, 'options_endpoints_editTitle', endpoint.name) : t('options_endpoints_addTitle')}</h3>
      <fieldset class="vs-plain" disabled={locked}>
        <div class="vs-row">
          <div class="vs-field">
            <label for="endpoint-id">{t('options_endpoints_id')}</label>
            <input
              id="endpoint-id"
              type="text"
              autocomplete="off"
              spellcheck={false}
              value={id}
              readOnly={endpoint !== undefined}
              {...invalidProps('id', 'endpoint-id-hint')}
              onInput={(event) => setId(event.currentTarget.value)}
            />
            <p id="endpoint-id-hint" class="vs-hint">
              {t('options_endpoints_idHint')}{' '}
              {users.length > 0 ? msg(t, 'options_endpoints_idUsedBy', <IsolatedList items={users} empty="" />) : t('options_endpoints_idUnused')}
              {!endpoint && existing && <> {t('options_endpoints_idExists')}</>}
            </p>
          </div>
          <div class="vs-field">
            <label for="endpoint-name">{t('options_endpoints_name')}</label>
            <input
              id="endpoint-name"
              ref={nameRef}
              type="text"
              autocomplete="off"
              value={name}
              {...invalidProps('name', 'endpoint-name-hint')}
              onInput={(event) => setName(event.currentTarget.value)}
            />
            <p id="endpoint-name-hint" class="vs-hint">
              {t('options_endpoints_nameHint')}
            </p>
          </div>
        </div>
        <div class="vs-field">
          <label for="endpoint-url">{t('options_endpoints_url')}</label>
          <input
            id="endpoint-url"
            type="url"
            autocomplete="off"
            spellcheck={false}
            value={url}
            {...invalidProps('url', 'endpoint-url-hint')}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
          <p id="endpoint-url-hint" class="vs-hint">
            {webhook ? t('options_endpoints_urlHintWebhook') : t('options_endpoints_urlHint')}
          </p>
        </div>
        <div class="vs-field">
          <label for="endpoint-format">{t('options_endpoints_format')}</label>
          <select
            id="endpoint-format"
            value={format}
            aria-describedby="endpoint-format-hint"
            onChange={(event) => setFormat(event.currentTarget.value === 'json-webhook' ? 'json-webhook' : 'fhir-r4')}
          >
            <option value="fhir-r4">{t('options_endpoints_fhirR4')}</option>
            <option value="json-webhook">{t('options_endpoints_jsonWebhook')}</option>
          </select>
          <p id="endpoint-format-hint" class="vs-hint">
            {t('options_endpoints_formatHint')}
          </p>
        </div>
        <div class="vs-row">
          <div class="vs-field">
            <label for="endpoint-auth">{t('options_endpoints_auth')}</label>
            <select
              id="endpoint-auth"
              value={effectiveScheme}
              disabled={webhook}
              onChange={(event) => setScheme(event.currentTarget.value === 'bearer' ? 'bearer' : 'none')}
            >
              <option value="none">{t('options_endpoints_authNone')}</option>
              <option value="bearer">{t('options_endpoints_authBearer')}</option>
            </select>
          </div>
          {effectiveScheme === 'bearer' && (
            <div class="vs-field">
              <label for="endpoint-token">{t('options_endpoints_token')}</label>
              <input
                id="endpoint-token"
                type="password"
                autocomplete="off"
                spellcheck={false}
                value={token}
                placeholder={tokenHint ? t('options_endpoints_tokenKeep', [tokenHint]) : ''}
                {...invalidProps('token', 'endpoint-token-hint')}
                onInput={(event) => setToken(event.currentTarget.value)}
              />
              <p id="endpoint-token-hint" class="vs-hint">
                {t('options_endpoints_tokenHint')}
              </p>
            </div>
          )}
        </div>
        {webhook && (
          <div class="vs-field">
            <label for="endpoint-secret">{t('options_endpoints_secret')}</label>
            <input
              id="endpoint-secret"
              type="password"
              autocomplete="off"
              spellcheck={false}
              value={secret}
              placeholder={secretHint ? t('options_endpoints_secretKeep', [secretHint]) : ''}
              {...invalidProps('secret', 'endpoint-secret-hint')}
              onInput={(event) => setSecret(event.currentTarget.value)}
            />
            <p id="endpoint-secret-hint" class="vs-hint">
              {t('options_endpoints_secretHint')}
            </p>
          </div>
        )}
        <div class="vs-actions">
          <button type="submit" class="vs-primary" disabled={busy}>
            {t('options_endpoints_save')}
          </button>
          {endpoint && (
            <button type="button" class="vs-secondary" onClick={onClose}>
              {t('options_cancel')}
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}

