// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterFromProposal } from '../../extension/pages/options/adapter-from-proposal';
import { createBackgroundClient, type PageRequest } from '../../extension/pages/background-client';
import { dryRun } from '../../extension/pages/options/dry-run';
import { createHostAccess, type PermissionsApi } from '../../extension/pages/options/host-access';
import type { AdapterProposal, ProbeFindings, Response } from '../../extension/shared/messages';
import { adapter, baseView, EHR, eenzaamheid, endpoint, geldzorgen, GELDZORGEN, mount, RECEIVER, templates } from './options-harness';

// The options page as an administrator meets it, with a fake background and a fake browser
// permission prompt: what they see, what is sent, and in which order access is asked for.

/**
 * Matches the innermost element whose whole text is `text`, across the <bdi> elements that isolate
 * values from configuration (Testing Library's default looks at an element's own text nodes only).
 */
function fullText(text: string | RegExp) {
  const matches = (value: string | null) => value !== null && (typeof text === 'string' ? value === text : text.test(value));
  return (_content: string, element: Element | null) => element !== null && matches(element.textContent) && ![...element.children].some((child) => matches(child.textContent));
}

/** Disabled itself or by a disabled fieldset around it, as the browser treats it. */
const isDisabled = (element: HTMLElement) => (element as HTMLInputElement).disabled || element.closest('fieldset[disabled]') !== null;
const region = (name: string) => screen.getByRole('region', { name });
const card = (name: string) => screen.getByRole('article', { name });
const lastSent = <T extends PageRequest['type']>(sent: PageRequest[], type: T) => sent.filter((m) => m.type === type).at(-1) as Extract<PageRequest, { type: T }> | undefined;
const chooseFile = (input: HTMLElement, name: string) => fireEvent.change(input, { target: { files: [new File(['ignored'], name, { type: 'application/json' })] } });

afterEach(cleanup);

describe('options page: layout and language', () => {
  it('shows the title, the sections in order with a navigation list, and Dutch by default', async () => {
    await mount(baseView());
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Vroegsignaal — instellingen');
    const sections = ['Praktijk', 'Gebruikers van deze browser', 'Sociaal wijkteam', 'Regelsets', 'EHR-koppelingen', 'Importeren en exporteren', 'Auditlog'];
    expect(screen.getAllByRole('heading', { level: 2 }).map((heading) => heading.textContent)).toEqual(sections);
    const nav = screen.getByRole('navigation');
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(sections);
    for (const link of within(nav).getAllByRole('link')) expect(document.querySelector(link.getAttribute('href')!)).not.toBeNull();
  });

  it('speaks English when the browser does', async () => {
    await mount(baseView(), {}, { locale: 'en' });
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Vroegsignaal — settings');
    expect(screen.getByRole('checkbox', { name: `Rule set ${geldzorgen.name.en} on` })).toBeTruthy();
  });

  it('lists problems in the configuration with the layer they come from', async () => {
    await mount(
      baseView({
        problems: [
          { layer: 'policy', section: 'adapters', path: 'adapters[0].pages[0].origin', message: 'must be an https origin' },
          { layer: 'saved', section: 'ruleSets', path: 'ruleSets[0].referral.endpoint', message: 'endpoint "sociaal-wijkteam" is not configured' },
        ],
      }),
    );
    const notices = screen.getAllByRole('alert').find((alert) => alert.textContent?.startsWith('Meldingen'))!;
    const items = within(notices).getAllByRole('listitem').map((item) => item.textContent);
    expect(items).toEqual([
      'beleid · adapters[0].pages[0].origin: must be an https origin',
      'opgeslagen · ruleSets[0].referral.endpoint: endpoint "sociaal-wijkteam" is not configured',
    ]);
  });

  it('isolates names from configuration, so bidirectional overrides cannot reorder the page', async () => {
    await mount(baseView({ users: [{ value: { id: 'x', name: '\u202Eknaj', role: 'gp' }, source: 'saved' }] }));
    const cell = screen.getByRole('rowheader', { name: '\u202Eknaj' });
    expect(cell.querySelector('bdi')?.textContent).toBe('\u202Eknaj');
  });
});

describe('options page: practice and users', () => {
  it('saves the practice and says so without taking focus', async () => {
    const { sent } = await mount(baseView());
    fireEvent.input(screen.getByLabelText('AGB-code praktijk'), { target: { value: '01234567' } });
    const save = screen.getByRole('button', { name: 'Praktijk opslaan' });
    save.focus();
    fireEvent.click(save);
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Opgeslagen.'));
    expect(lastSent(sent, 'options/save-practice')?.practice).toEqual({ name: 'Huisartsenpraktijk Voorbeeld', agb: '01234567' });
    expect(document.activeElement).toBe(save);
  });

  it('locks the practice when policy sets it', async () => {
    await mount(baseView({ lockedSections: ['practice'], practice: { value: { name: 'Praktijk uit beleid' }, source: 'policy' } }));
    const practice = region('Praktijk');
    expect(within(practice).getByText(fullText('Vergrendeld door beleid'))).toBeTruthy();
    expect(isDisabled(within(practice).getByLabelText('Naam van de praktijk'))).toBe(true);
    expect(isDisabled(within(practice).getByRole('button', { name: 'Praktijk opslaan' }))).toBe(true);
  });

  it('adds a user with an id made from the name, unique among the users', async () => {
    const { sent } = await mount(baseView({ users: [{ value: { id: 'dr-umit-ozturk', name: 'Dr. Ümit Öztürk', role: 'gp' }, source: 'saved' }] }));
    const users = region('Gebruikers van deze browser');
    expect(within(users).getByText(fullText(/vastgelegd door/))).toBeTruthy();
    fireEvent.input(within(users).getByLabelText('Naam'), { target: { value: 'Dr. Ümit Öztürk' } });
    fireEvent.change(within(users).getByLabelText('Rol'), { target: { value: 'assistant' } });
    fireEvent.click(within(users).getByRole('button', { name: 'Gebruiker toevoegen' }));
    await screen.findByText(fullText('Gebruiker ‘Dr. Ümit Öztürk’ toegevoegd.'));
    expect(lastSent(sent, 'options/save-item')).toEqual({
      type: 'options/save-item',
      section: 'users',
      item: { id: 'dr-umit-ozturk-2', name: 'Dr. Ümit Öztürk', role: 'assistant' },
    });
  });
});

describe('options page: focus', () => {
  it('gives focus back to "Bewerken" when the editor closes', async () => {
    await mount(baseView());
    const edit = within(card(GELDZORGEN)).getByRole('button', { name: 'Bewerken' });
    edit.focus();
    fireEvent.click(edit);
    expect(document.activeElement).toBe(screen.getByLabelText('Regelset (JSON)'));
    fireEvent.click(screen.getByRole('button', { name: 'Annuleren' }));
    expect(document.activeElement).toBe(edit);
  });

  it('puts focus on the section when the removed item had it', async () => {
    const before = baseView({ users: [{ value: { id: 'anna', name: 'Anna de Vries', role: 'gp' }, source: 'saved' }] });
    await mount(before, { 'options/remove-item': () => ({ ok: true, data: { ...before, users: [] } }) });
    const remove = within(screen.getByRole('row', { name: /Anna de Vries/ })).getByRole('button', { name: 'Verwijderen' });
    remove.focus();
    fireEvent.click(remove);
    await screen.findByText(fullText('Gebruiker ‘Anna de Vries’ verwijderd.'));
    await waitFor(() => expect(document.activeElement).toBe(region('Gebruikers van deze browser')));
  });
});

describe('options page: social team endpoint', () => {
  it('asks the browser for access to the endpoint in the click, before saving it', async () => {
    const saved = baseView({ endpoints: [{ value: endpoint(), source: 'saved' }], hostAccess: { [RECEIVER]: true } });
    const { log, requests, sent } = await mount(baseView(), { 'options/save-item': () => ({ ok: true, data: saved }) });
    const endpoints = region('Sociaal wijkteam');
    expect((within(endpoints).getByLabelText('Id') as HTMLInputElement).value).toBe('sociaal-wijkteam');
    expect(within(endpoints).getByText(fullText(/Gebruikt door: Geldzorgen achter stressklachten/))).toBeTruthy();
    expect(within(endpoints).getByText(fullText(/Alleen https; http alleen voor localhost en 127\.0\.0\.1\./))).toBeTruthy();
    fireEvent.input(within(endpoints).getByLabelText('Naam'), { target: { value: 'Sociaal wijkteam Maastricht' } });
    fireEvent.input(within(endpoints).getByLabelText('Adres (URL)'), { target: { value: `${RECEIVER}/r4` } });
    fireEvent.click(within(endpoints).getByRole('button', { name: 'Opslaan en toegang geven' }));
    // Synchronously, inside the click: later the browser would refuse for lack of a user gesture.
    expect(requests).toEqual([[RECEIVER]]);
    expect(sent.some((m) => m.type === 'options/save-item')).toBe(false);

    await screen.findByText(fullText('Eindpunt ‘Sociaal wijkteam Maastricht’ opgeslagen.'));
    expect(log.filter((line) => !line.includes('validate')).slice(-2)).toEqual([`request ${RECEIVER}`, 'send options/save-item']);
    expect(lastSent(sent, 'options/save-item')?.item).toEqual({ id: 'sociaal-wijkteam', name: 'Sociaal wijkteam Maastricht', url: `${RECEIVER}/r4`, format: 'fhir-r4', auth: { scheme: 'none' } });
    expect(within(card('Sociaal wijkteam Maastricht')).getByText(fullText('Toegang gegeven'))).toBeTruthy();
  });

  it('still saves when the browser refuses access, and says the endpoint cannot be reached yet', async () => {
    const { sent } = await mount(baseView(), {}, { grant: false });
    const endpoints = region('Sociaal wijkteam');
    fireEvent.input(within(endpoints).getByLabelText('Naam'), { target: { value: 'Wijkteam' } });
    fireEvent.input(within(endpoints).getByLabelText('Adres (URL)'), { target: { value: `${RECEIVER}/r4` } });
    fireEvent.click(within(endpoints).getByRole('button', { name: 'Opslaan en toegang geven' }));
    const status = await screen.findByText(fullText(/Eindpunt ‘Wijkteam’ opgeslagen, maar de browser gaf geen toegang tot/));
    expect(status.textContent).toContain(`${RECEIVER}: Vroegsignaal kan het pas bereiken als u toegang geeft`);
    expect(sent.some((m) => m.type === 'options/save-item')).toBe(true);
  });

  it('refuses an http address before asking the browser anything', async () => {
    const { requests, sent } = await mount(baseView());
    const endpoints = region('Sociaal wijkteam');
    fireEvent.input(within(endpoints).getByLabelText('Naam'), { target: { value: 'Wijkteam' } });
    fireEvent.input(within(endpoints).getByLabelText('Adres (URL)'), { target: { value: 'http://fhir.wijkteam.voorbeeld.nl/r4' } });
    fireEvent.click(within(endpoints).getByRole('button', { name: 'Opslaan en toegang geven' }));
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('listitem').textContent).toBe('Adres (URL): moet https gebruiken; http mag alleen voor localhost en 127.0.0.1');
    expect(document.activeElement).toBe(alert);
    expect(requests).toEqual([]);
    expect(sent.some((m) => m.type === 'options/save-item')).toBe(false);
  });

  it('never shows the token: only its hint, and an empty token keeps the saved one', async () => {
    const bearer = endpoint({ auth: { scheme: 'bearer', tokenHint: '…abcd' } });
    const { sent } = await mount(baseView({ endpoints: [{ value: bearer, source: 'saved' }], hostAccess: { [RECEIVER]: true } }));
    expect(within(card('Sociaal wijkteam Maastricht')).getByText(fullText('Bearer-token (opgeslagen token …abcd)'))).toBeTruthy();
    fireEvent.click(within(card('Sociaal wijkteam Maastricht')).getByRole('button', { name: 'Bewerken' }));
    const token = within(region('Sociaal wijkteam')).getByLabelText('Token') as HTMLInputElement;
    expect(token.type).toBe('password');
    expect(token.getAttribute('autocomplete')).toBe('off');
    expect(token.value).toBe('');
    expect(token.placeholder).toBe('Opgeslagen token …abcd; leeg laten om te houden');
    fireEvent.click(screen.getByRole('button', { name: 'Opslaan en toegang geven' }));
    await screen.findByText(fullText('Eindpunt ‘Sociaal wijkteam Maastricht’ opgeslagen.'));
    const item = lastSent(sent, 'options/save-item')?.item as { auth: unknown };
    expect(item.auth).toEqual({ scheme: 'bearer' });
  });

  it('sets up a JSON webhook: bearer token and signing secret required, the secret never shown back', async () => {
    const { sent } = await mount(baseView());
    const endpoints = region('Sociaal wijkteam');
    fireEvent.input(within(endpoints).getByLabelText('Naam'), { target: { value: 'Wijkteam' } });
    fireEvent.change(within(endpoints).getByLabelText('Formaat'), { target: { value: 'json-webhook' } });
    expect(within(endpoints).getByText(fullText(/Het volledige adres van de webhook/))).toBeTruthy();
    expect((within(endpoints).getByLabelText('Authenticatie') as HTMLSelectElement).disabled).toBe(true);
    fireEvent.input(within(endpoints).getByLabelText('Adres (URL)'), { target: { value: `${RECEIVER}/webhook` } });
    fireEvent.click(within(endpoints).getByRole('button', { name: 'Opslaan en toegang geven' }));
    const alert = await screen.findByRole('alert');
    expect([...within(alert).getAllByRole('listitem')].map((item) => item.textContent)).toEqual([
      'Token: vul het token in',
      'Ondertekeningsgeheim: vul het ondertekeningsgeheim in',
    ]);
    expect(sent.some((m) => m.type === 'options/save-item')).toBe(false);

    fireEvent.input(within(endpoints).getByLabelText('Token'), { target: { value: 'praktijk-token-1234' } });
    const secret = within(endpoints).getByLabelText('Ondertekeningsgeheim') as HTMLInputElement;
    expect(secret.type).toBe('password');
    fireEvent.input(secret, { target: { value: 'te-kort' } });
    fireEvent.click(within(endpoints).getByRole('button', { name: 'Opslaan en toegang geven' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Ondertekeningsgeheim: moet 32 tot 4096 tekens zijn, zonder spaties'));

    fireEvent.input(secret, { target: { value: 'webhook-geheim-0123456789abcdef0123456789abcdef' } });
    fireEvent.click(within(endpoints).getByRole('button', { name: 'Opslaan en toegang geven' }));
    await waitFor(() => expect(sent.some((m) => m.type === 'options/save-item')).toBe(true));
    expect(lastSent(sent, 'options/save-item')?.item).toEqual({
      id: 'sociaal-wijkteam',
      name: 'Wijkteam',
      url: `${RECEIVER}/webhook`,
      format: 'json-webhook',
      auth: { scheme: 'bearer', token: 'praktijk-token-1234' },
      signingSecret: 'webhook-geheim-0123456789abcdef0123456789abcdef',
    });
  });

  it('shows a saved webhook\'s secret only by its hint, and an empty secret keeps it', async () => {
    const webhook = endpoint({ url: `${RECEIVER}/webhook`, format: 'json-webhook', auth: { scheme: 'bearer', tokenHint: '…abcd' }, signingSecretHint: '…wxyz' });
    const { sent } = await mount(baseView({ endpoints: [{ value: webhook, source: 'saved' }], hostAccess: { [RECEIVER]: true } }));
    const shown = card('Sociaal wijkteam Maastricht');
    expect(within(shown).getByText('JSON-webhook')).toBeTruthy();
    expect(within(shown).getByText(fullText('opgeslagen geheim …wxyz'))).toBeTruthy();
    fireEvent.click(within(shown).getByRole('button', { name: 'Bewerken' }));
    const secret = within(region('Sociaal wijkteam')).getByLabelText('Ondertekeningsgeheim') as HTMLInputElement;
    expect(secret.value).toBe('');
    expect(secret.placeholder).toBe('Opgeslagen geheim …wxyz; leeg laten om te houden');
    fireEvent.click(screen.getByRole('button', { name: 'Opslaan en toegang geven' }));
    await screen.findByText(fullText('Eindpunt ‘Sociaal wijkteam Maastricht’ opgeslagen.'));
    const item = lastSent(sent, 'options/save-item')?.item as Record<string, unknown>;
    expect(item).toMatchObject({ format: 'json-webhook', auth: { scheme: 'bearer' } });
    expect(item).not.toHaveProperty('signingSecret');
  });

  it('says what "Verbinding testen" found, in words, for each outcome', async () => {
    const outcomes: Array<Response<unknown>> = [
      { ok: true, data: { outcome: 'ok', status: 200, software: 'HAPI FHIR Server 7.0.2', fhirVersion: '4.0.1', detail: '200 OK' } },
      { ok: true, data: { outcome: 'network', detail: 'Failed to fetch' } },
      { ok: true, data: { outcome: 'timeout', detail: 'signal timed out' } },
      { ok: true, data: { outcome: 'http', status: 503, detail: '503 Service Unavailable' } },
      { ok: true, data: { outcome: 'not-fhir', status: 200, detail: 'resourceType is undefined' } },
    ];
    await mount(baseView({ endpoints: [{ value: endpoint(), source: 'saved' }] }), { 'options/test-endpoint': () => outcomes.shift()! });
    const expected = [
      'Verbinding gelukt: HAPI FHIR Server 7.0.2, FHIR 4.0.1',
      'Niet bereikbaar: Failed to fetch',
      'Geen antwoord binnen 10 seconden',
      'De ontvanger antwoordde 503',
      'Dit lijkt geen FHIR-server: resourceType is undefined',
    ];
    for (const text of expected) {
      fireEvent.click(within(card('Sociaal wijkteam Maastricht')).getByRole('button', { name: 'Verbinding testen' }));
      expect(await within(card('Sociaal wijkteam Maastricht')).findByText(fullText(text))).toBeTruthy();
    }
  });
});

describe('options page: rule sets', () => {
  it('shows a broken rule-set file with every problem and its path, and keeps the previous rule set', async () => {
    const problems = [
      { path: 'triggers.codes[3].code', message: '"N1" is not an ICPC-1 code (a chapter letter and two digits, with an optional two-digit NHG subcode: N01, L03.01)' },
      { path: 'questions', message: 'needs at least one question' },
    ];
    const { sent } = await mount(
      baseView(),
      { 'options/save-item': () => ({ ok: false, error: { code: 'invalid-configuration', message: 'the change was not saved', problems } }) },
      { files: { 'kapot.rules.json': '{"id":"vroegsignaal-geldzorgen"}' } },
    );
    chooseFile(screen.getByLabelText('Regelset importeren (JSON)'), 'kapot.rules.json');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getAllByRole('listitem').map((item) => item.textContent)).toEqual(problems.map((p) => `${p.path}: ${p.message}`));
    expect(within(alert).getByText(fullText('De regelset is niet opgeslagen; de vorige blijft actief.'))).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(alert));
    expect(lastSent(sent, 'options/save-item')).toEqual({ type: 'options/save-item', section: 'ruleSets', source: '{"id":"vroegsignaal-geldzorgen"}' });
    expect(card(GELDZORGEN)).toBeTruthy();
  });

  it('imports a valid rule-set file and names it', async () => {
    const imported = { ...eenzaamheid, id: 'eigen-set', name: { nl: 'Eigen regelset', en: 'Own rule set' } };
    const after = baseView({ ruleSets: [...baseView().ruleSets, { value: imported, source: 'saved', enabled: true }] });
    await mount(baseView(), { 'options/save-item': () => ({ ok: true, data: after }) }, { files: { 'eigen.rules.json': JSON.stringify(imported) } });
    chooseFile(screen.getByLabelText('Regelset importeren (JSON)'), 'eigen.rules.json');
    expect(await screen.findByText(fullText('Regelset ‘Eigen regelset’ opgeslagen.'))).toBeTruthy();
    expect(within(card('Eigen regelset')).getByText(fullText('opgeslagen'))).toBeTruthy();
    expect(within(card('Eigen regelset')).getByRole('button', { name: 'Verwijderen' })).toBeTruthy();
  });

  it('keeps a rule set set by policy on, and offers no way to switch it off or remove it', async () => {
    const policySet = { ...geldzorgen, id: 'beleid-set', name: { nl: 'Regels van de zorggroep', en: 'Care group rules' } };
    await mount(baseView({ ruleSets: [{ value: policySet, source: 'policy', enabled: true }] }));
    const locked = card('Regels van de zorggroep');
    const toggle = within(locked).getByRole('checkbox', { name: 'Regelset Regels van de zorggroep aan' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    expect(toggle.disabled).toBe(true);
    expect(within(locked).getByText(fullText('beleid — vergrendeld'))).toBeTruthy();
    expect(within(locked).getByText(fullText('Vergrendeld door beleid'))).toBeTruthy();
    expect(within(locked).queryByRole('button', { name: 'Verwijderen' })).toBeNull();
    expect((within(locked).getByRole('button', { name: 'Bewerken' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('switches a built-in rule set on and says so', async () => {
    const after = baseView({ ruleSets: [baseView().ruleSets[0]!, { value: eenzaamheid, source: 'default', enabled: true }] });
    const { sent } = await mount(baseView(), { 'options/set-rule-set-enabled': () => ({ ok: true, data: after }) });
    const toggle = screen.getByRole('checkbox', { name: `Regelset ${eenzaamheid.name.nl} aan` }) as HTMLInputElement;
    expect(toggle.checked).toBe(false);
    fireEvent.click(toggle);
    expect(await screen.findByText(fullText(`Regelset ‘${eenzaamheid.name.nl}’ staat aan.`))).toBeTruthy();
    expect(lastSent(sent, 'options/set-rule-set-enabled')).toEqual({ type: 'options/set-rule-set-enabled', id: eenzaamheid.id, enabled: true });
    expect(within(card(GELDZORGEN)).queryByRole('button', { name: 'Verwijderen' })).toBeNull();
  });

  it('validates the editor as one types and saves the text', async () => {
    const { sent } = await mount(baseView(), {
      'options/validate-item': (message) =>
        message.source.includes('"N1"')
          ? { ok: false, error: { code: 'invalid-configuration', message: 'not valid', problems: [{ path: 'triggers.codes[0].code', message: '"N1" is not an ICPC-1 code' }] } }
          : { ok: true, data: { id: geldzorgen.id, name: GELDZORGEN } },
    });
    fireEvent.click(within(card(GELDZORGEN)).getByRole('button', { name: 'Bewerken' }));
    const editor = screen.getByLabelText('Regelset (JSON)') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(editor);
    expect(JSON.parse(editor.value)).toEqual(geldzorgen);
    expect(await screen.findByText(fullText(`Geldig: ${GELDZORGEN}`))).toBeTruthy();
    fireEvent.input(editor, { target: { value: editor.value.replace('"N01"', '"N1"') } });
    expect(await screen.findByText(fullText('triggers.codes[0].code: "N1" is not an ICPC-1 code'))).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Opslaan' }));
    await screen.findByText(fullText(`Regelset ‘${GELDZORGEN}’ opgeslagen.`));
    expect(lastSent(sent, 'options/save-item')).toMatchObject({ section: 'ruleSets', source: expect.stringContaining('"N1"') });
    expect(screen.queryByLabelText('Regelset (JSON)')).toBeNull();
  });

  it('starts a new rule set from the first one with a new id', async () => {
    await mount(baseView());
    fireEvent.click(screen.getByRole('button', { name: 'Nieuwe regelset' }));
    const text = (screen.getByLabelText('Regelset (JSON)') as HTMLTextAreaElement).value;
    expect(JSON.parse(text)).toMatchObject({ id: 'nieuwe-regelset', triggers: geldzorgen.triggers });
  });

  it('exports a rule set as <id>.rules.json', async () => {
    const { log } = await mount(baseView());
    fireEvent.click(within(card(GELDZORGEN)).getByRole('button', { name: 'Exporteren' }));
    expect(log.at(-1)).toMatch(/^download vroegsignaal-geldzorgen\.rules\.json \d+$/);
  });

  it('runs a dry run: which switched-on rule sets would fire, and why', async () => {
    await mount(baseView());
    const dry = screen.getByRole('group', { name: 'Proefrit' });
    fireEvent.input(within(dry).getByLabelText('Consulttekst'), { target: { value: 'Slaapt slecht. Heeft geldzorgen en voelt zich eenzaam.' } });
    fireEvent.input(within(dry).getByLabelText('Codes (bijv. N01, P06)'), { target: { value: 'n01, P06' } });
    expect(within(dry).getByText(fullText('Deze regelsets zouden afgaan:'))).toBeTruthy();
    // The loneliness set is switched off: its term and P06 do not count.
    expect(within(dry).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      `${GELDZORGEN} — code N01 Hoofdpijn, code P06 Slaapstoornis, term ‘geldzorgen’`,
    ]);
    fireEvent.input(within(dry).getByLabelText('Codes (bijv. N01, P06)'), { target: { value: '' } });
    fireEvent.input(within(dry).getByLabelText('Consulttekst'), { target: { value: 'Verkouden sinds drie dagen.' } });
    expect(within(dry).getByText(fullText('Geen regelset zou afgaan.'))).toBeTruthy();
  });
});

describe('options page: EHR adapters', () => {
  it('adds an adapter from a template after the browser granted the origin', async () => {
    const { requests, sent, log } = await mount(baseView());
    const adapters = region('EHR-koppelingen');
    fireEvent.input(within(adapters).getByLabelText('Naam van de koppeling'), { target: { value: 'HIS Voorbeeld' } });
    fireEvent.input(within(adapters).getByLabelText('Adres van het EHR'), { target: { value: `${EHR}/` } });
    fireEvent.click(within(adapters).getByRole('radio', { name: 'Vroegsignaal demo-HIS' }));
    fireEvent.click(within(adapters).getByRole('button', { name: 'Toevoegen en toegang geven' }));
    expect(requests).toEqual([[EHR]]);
    await screen.findByText(fullText(`Koppeling ‘HIS Voorbeeld’ toegevoegd; Vroegsignaal leest nu mee op ${EHR}.`));
    expect(log.slice(-2)).toEqual([`request ${EHR}`, 'send options/save-item']);
    const demo = templates.find((template) => template.id === 'demo-his')!;
    expect(lastSent(sent, 'options/save-item')?.item).toEqual({ id: 'his-voorbeeld', name: 'HIS Voorbeeld', pages: [{ origin: EHR, pathPrefix: '/' }], ...demo.adapter });
  });

  it('adds nothing when the browser refuses access, and refuses a plain-http EHR before asking', async () => {
    const { requests, sent } = await mount(baseView(), {}, { grant: false });
    const adapters = region('EHR-koppelingen');
    fireEvent.input(within(adapters).getByLabelText('Naam van de koppeling'), { target: { value: 'HIS' } });
    fireEvent.input(within(adapters).getByLabelText('Adres van het EHR'), { target: { value: 'http://his.voorbeeld.nl' } });
    fireEvent.click(within(adapters).getByRole('radio', { name: 'Algemeen: de hele pagina' }));
    fireEvent.click(within(adapters).getByRole('button', { name: 'Toevoegen en toegang geven' }));
    expect(within(await screen.findByRole('alert')).getByRole('listitem').textContent).toBe(
      'Adres van het EHR: moet https gebruiken; http mag alleen voor localhost en 127.0.0.1',
    );
    expect(requests).toEqual([]);

    fireEvent.input(within(adapters).getByLabelText('Adres van het EHR'), { target: { value: 'http://localhost:4310' } });
    fireEvent.click(within(adapters).getByRole('button', { name: 'Toevoegen en toegang geven' }));
    expect(requests).toEqual([['http://localhost:4310']]);
    expect(await screen.findByText(fullText('Zonder toegang kan Vroegsignaal die pagina\'s niet lezen; de koppeling is niet toegevoegd.'))).toBeTruthy();
    expect(sent.some((m) => m.type === 'options/save-item')).toBe(false);
  });

  it('builds an adapter by pointing things out on an open tab', async () => {
    const proposal: AdapterProposal = {
      url: `${EHR}/app/patients/P-1001/chart`,
      patient: { name: '.banner .name', keyFromUrl: '/app/patients/{key}/chart', phone: '.banner .phone' },
      diagnoses: '#episode-codes',
      freeText: '#soep-s',
      warnings: ['diagnoses: #episode-codes (2)'],
    };
    let polls = 0;
    const { sent } = await mount(baseView(), {
      'options/open-tabs': () => ({ ok: true, data: [{ tabId: 7, title: 'Dossier — HIS Voorbeeld', url: `${EHR}/app/patients/P-1001/chart` }] }),
      'options/teach': () => ({ ok: true, data: { started: true } }),
      'options/teach-result': () => ({ ok: true, data: { proposal: ++polls < 3 ? null : proposal } }),
      'options/probe-tab': () => ({ ok: true, data: findings() }),
    });
    const adapters = region('EHR-koppelingen');
    fireEvent.input(within(adapters).getByLabelText('Naam van de koppeling'), { target: { value: 'HIS Voorbeeld' } });
    fireEvent.input(within(adapters).getByLabelText('Adres van het EHR'), { target: { value: EHR } });
    fireEvent.input(within(adapters).getByLabelText('Pad begint met'), { target: { value: '/app' } });
    fireEvent.click(within(adapters).getByRole('radio', { name: 'Zelf aanwijzen met de bouwer' }));
    fireEvent.click(within(adapters).getByRole('button', { name: 'Toevoegen en toegang geven' }));

    expect(await within(adapters).findByText(fullText(`Open tabbladen op ${EHR}`))).toBeTruthy();
    fireEvent.click(await within(adapters).findByRole('button', { name: 'Aanwijzen op dit tabblad' }));
    expect(await within(adapters).findByText(fullText('Ga naar het tabblad en wijs aan wat Vroegsignaal moet lezen…'))).toBeTruthy();
    expect(lastSent(sent, 'options/teach')).toEqual({ type: 'options/teach', tabId: 7 });

    const editor = (await within(adapters).findByLabelText('Koppeling (JSON)')) as HTMLTextAreaElement;
    expect(polls).toBe(3);
    // It appeared by itself, perhaps while the administrator was in the EHR tab: no focus taken.
    expect(document.activeElement).not.toBe(editor);
    expect(JSON.parse(editor.value)).toEqual({
      id: 'his-voorbeeld',
      name: 'HIS Voorbeeld',
      pages: [{ origin: EHR, pathPrefix: '/app' }],
      patient: { name: '.banner .name', keyFromUrl: '/app/patients/{key}/chart', phone: '.banner .phone' },
      scan: { include: ['#episode-codes', '#soep-s'], exclude: [], diagnoses: ['#episode-codes'] },
    });
    expect(within(adapters).getByText(fullText('Diagnoses en codes: ‘#episode-codes’ vindt 2 elementen op de pagina; het eerste telt.'))).toBeTruthy();

    fireEvent.click(within(adapters).getByRole('button', { name: 'Test op open tabblad' }));
    expect(await within(adapters).findByText(fullText('Patiënt: Mila Voorbeeld (nummer P-1001)'))).toBeTruthy();
    expect(lastSent(sent, 'options/probe-tab')).toEqual({ type: 'options/probe-tab', tabId: 7, source: editor.value });

    fireEvent.click(within(adapters).getByRole('button', { name: 'Opslaan' }));
    await screen.findByText(fullText(`Koppeling ‘HIS Voorbeeld’ toegevoegd; Vroegsignaal leest nu mee op ${EHR}.`));
    expect(lastSent(sent, 'options/save-item')).toEqual({ type: 'options/save-item', section: 'adapters', source: editor.value });
  });

  it('tests a saved adapter on an open tab and explains every finding and warning', async () => {
    const saved = adapter('his-voorbeeld', EHR, 'HIS Voorbeeld');
    const { sent } = await mount(
      baseView({ adapters: [{ value: saved, source: 'saved' }], hostAccess: { [EHR]: true }, watchedOrigins: [EHR], ruleSets: [{ value: geldzorgen, source: 'default', enabled: true }, { value: eenzaamheid, source: 'default', enabled: true }] }),
      {
        'options/open-tabs': () => ({ ok: true, data: [{ tabId: 3, title: 'Consult — Mila Voorbeeld', url: `${EHR}/consult` }] }),
        'options/probe-tab': () => ({ ok: true, data: findings() }),
      },
    );
    const his = card('HIS Voorbeeld');
    expect(within(his).getByText(fullText('Toegang gegeven'))).toBeTruthy();
    expect(within(his).getByText(fullText('Vroegsignaal leest mee'))).toBeTruthy();
    fireEvent.click(within(his).getByRole('button', { name: 'Test op open tabblad' }));
    fireEvent.click(await within(his).findByRole('button', { name: 'Consult — Mila Voorbeeld' }));
    await within(his).findByText(fullText('Patiënt: Mila Voorbeeld (nummer P-1001)'));
    const lines = within(his)
      .getAllByRole('listitem')
      .map((item) => item.textContent)
      .filter((text) => !text?.startsWith(EHR) && !text?.startsWith('Consult —'));
    expect(lines).toEqual([
      'Pagina hoort bij deze koppeling: ja',
      'Patiënt: Mila Voorbeeld (nummer P-1001)',
      'Telefoon: 06-99990001',
      'Geboortedatum: niet gevonden',
      'Huisarts: dr. E. Denkbeeld (AGB 01999001)',
      'Codes: N01',
      'Namen: hoofdpijn → N01',
      'Termen: geldzorgen',
      `Zou afgaan: ${GELDZORGEN} — code N01 Hoofdpijn, term ‘geldzorgen’`,
      'patient.birthDate: ‘.dob’ vindt niets op deze pagina',
      'scan.include[0]: ‘.consult’ vindt 3 elementen; het eerste telt',
      'Geen patiëntnummer gevonden: de pagina telt als ‘geen patiënt open’',
      `${eenzaamheid.name.nl}: zou afgaan, maar de voorgeschiedenis toont niet 1 episode(s) in 12 maanden`,
    ]);
    expect(JSON.parse(lastSent(sent, 'options/probe-tab')!.source)).toEqual(saved);
  });

  it('removes an adapter and gives back access only to sites nothing else uses', async () => {
    const other = 'https://his-b.voorbeeld.nl';
    const before = baseView({
      adapters: [
        { value: adapter('his-a', EHR, 'HIS A'), source: 'saved' },
        { value: adapter('his-b', other, 'HIS B'), source: 'saved' },
      ],
      endpoints: [{ value: endpoint({ url: `${other}/fhir` }), source: 'saved' }],
      hostAccess: { [EHR]: true, [other]: true },
    });
    const withoutA = { ...before, adapters: before.adapters.slice(1) };
    const withoutB = { ...before, adapters: before.adapters.slice(0, 1) };
    const replies = [withoutA, withoutB];
    const { removals } = await mount(before, { 'options/remove-item': () => ({ ok: true, data: replies.shift()! }) });
    fireEvent.click(within(card('HIS A')).getByRole('button', { name: 'Verwijderen' }));
    expect(await screen.findByText(fullText(`Koppeling ‘HIS A’ verwijderd. Toegang tot ${EHR} ingetrokken: geen koppeling of eindpunt gebruikt die nog.`))).toBeTruthy();
    expect(removals).toEqual([[EHR]]);
  });

  it('removing an adapter whose site the endpoint still uses keeps the access', async () => {
    const before = baseView({
      adapters: [{ value: adapter('his-a', RECEIVER, 'HIS A'), source: 'saved' }],
      endpoints: [{ value: endpoint(), source: 'saved' }],
      hostAccess: { [RECEIVER]: true },
    });
    const { removals } = await mount(before, { 'options/remove-item': () => ({ ok: true, data: { ...before, adapters: [] } }) });
    fireEvent.click(within(card('HIS A')).getByRole('button', { name: 'Verwijderen' }));
    expect(await screen.findByText(fullText('Koppeling ‘HIS A’ verwijderd.'))).toBeTruthy();
    expect(removals).toEqual([]);
  });

  it('asks for access to an adapter site from its card', async () => {
    const { requests } = await mount(baseView({ adapters: [{ value: adapter('his-a', EHR, 'HIS A'), source: 'saved' }], hostAccess: { [EHR]: false } }));
    const his = card('HIS A');
    expect(within(his).getByText(fullText('Vroegsignaal leest niet mee'))).toBeTruthy();
    fireEvent.click(within(his).getByRole('button', { name: 'Toegang geven' }));
    expect(requests).toEqual([[EHR]]);
    expect(await screen.findByText(fullText(`Toegang tot ${EHR} gegeven.`))).toBeTruthy();
  });
});

describe('options page: import and export', () => {
  const file = JSON.stringify({ format: 'vroegsignaal-configuration', version: 1 });
  const preview = { sections: ['endpoints', 'ruleSets', 'adapters'], ruleSets: ['eigen-set'], adapters: ['his-voorbeeld'], endpoints: ['sociaal-wijkteam'], origins: [EHR, RECEIVER] };

  it('previews an import, asks for all its sites in one prompt, then imports', async () => {
    const after = baseView({ hostAccess: { [EHR]: true, [RECEIVER]: true } });
    const { requests, sent, log } = await mount(
      baseView(),
      { 'options/import': (message) => ({ ok: true, data: message.dryRun ? { preview } : { preview, view: after } }) },
      { files: { 'praktijk.json': file } },
    );
    chooseFile(screen.getByLabelText('Configuratiebestand kiezen'), 'praktijk.json');
    expect(await screen.findByText(fullText(`Vroegsignaal vraagt toegang tot: ${EHR}, ${RECEIVER}`))).toBeTruthy();
    expect(screen.getByText(fullText('Onderdelen: Sociaal wijkteam, Regelsets, EHR-koppelingen'))).toBeTruthy();
    expect(screen.getByText(fullText('Regelsets: eigen-set'))).toBeTruthy();
    expect(lastSent(sent, 'options/import')).toEqual({ type: 'options/import', source: file, dryRun: true });

    fireEvent.click(screen.getByRole('button', { name: 'Importeren en toegang geven' }));
    expect(requests).toEqual([[EHR, RECEIVER]]);
    expect(await screen.findByText(fullText('Geïmporteerd: Sociaal wijkteam, Regelsets, EHR-koppelingen.'))).toBeTruthy();
    expect(log.slice(-2)).toEqual([`request ${EHR} ${RECEIVER}`, 'send options/import']);
    expect(lastSent(sent, 'options/import')).toEqual({ type: 'options/import', source: file, dryRun: false });
  });

  it('imports anyway when access is refused, and names the sites without access', async () => {
    const after = baseView({ hostAccess: { [EHR]: false, [RECEIVER]: false } });
    await mount(baseView(), { 'options/import': (message) => ({ ok: true, data: message.dryRun ? { preview } : { preview, view: after } }) }, { grant: false, files: { 'praktijk.json': file } });
    chooseFile(screen.getByLabelText('Configuratiebestand kiezen'), 'praktijk.json');
    fireEvent.click(await screen.findByRole('button', { name: 'Importeren en toegang geven' }));
    const status = await screen.findByText(fullText(/^Geïmporteerd: /));
    expect(status.textContent).toContain(`Geen toegang tot: ${EHR}, ${RECEIVER}; Vroegsignaal kan die sites pas gebruiken als u toegang geeft`);
  });

  it('shows why a file cannot be imported and that nothing changed', async () => {
    const problems = [{ path: 'ruleSets[0].triggers.codes[3].code', message: '"N1" is not an ICPC-1 code' }];
    await mount(baseView(), { 'options/import': () => ({ ok: false, error: { code: 'invalid-configuration', message: 'the file was not imported', problems } }) }, { files: { 'kapot.json': '{}' } });
    chooseFile(screen.getByLabelText('Configuratiebestand kiezen'), 'kapot.json');
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('listitem').textContent).toBe('ruleSets[0].triggers.codes[3].code: "N1" is not an ICPC-1 code');
    expect(within(alert).getByText(fullText('Er is niets veranderd.'))).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Importeren en toegang geven' })).toBeNull();
  });

  it('exports the configuration, with tokens only when asked', async () => {
    const { sent, log } = await mount(baseView(), { 'options/export': () => ({ ok: true, data: { fileName: 'vroegsignaal-configuratie-2025-01-01.json', text: '{}\n' } }) });
    fireEvent.click(screen.getByRole('checkbox', { name: 'Tokens meenemen (geheim; alleen voor een beveiligde overdracht)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Configuratie exporteren' }));
    await screen.findByText(fullText(/^Configuratie geëxporteerd als vroegsignaal-configuratie-2025-01-01\.json, met de tokens/));
    expect(lastSent(sent, 'options/export')).toEqual({ type: 'options/export', includeTokens: true });
    expect(log.at(-1)).toBe('download vroegsignaal-configuratie-2025-01-01.json 3');
  });
});

describe('host access and the background client', () => {
  function permissions(answer: Promise<boolean>) {
    const asked: string[][] = [];
    const api: PermissionsApi = {
      request: ({ origins }) => (asked.push(origins), answer),
      remove: ({ origins }) => (asked.push(origins), answer),
      onAdded: { addListener() {}, removeListener() {} },
      onRemoved: { addListener() {}, removeListener() {} },
    };
    return { api, asked };
  }

  it('asks the browser at once, for each pattern once, with the port where the browser wants it', async () => {
    const chrome = permissions(Promise.resolve(true));
    const granted = createHostAccess(chrome.api, 'chrome').request([`${EHR}:8443`, `${EHR}:8443`, 'http://127.0.0.1:4310']);
    expect(chrome.asked).toEqual([['https://his.voorbeeld.nl:8443/*', 'http://127.0.0.1:4310/*']]);
    expect(await granted).toBe(true);
    const firefox = permissions(Promise.resolve(true));
    void createHostAccess(firefox.api, 'firefox').request([`${EHR}:8443`, EHR]);
    expect(firefox.asked).toEqual([['https://his.voorbeeld.nl/*']]);
  });

  it('counts a prompt the browser would not show as refused', async () => {
    const { api } = permissions(Promise.reject(new Error('This function must be called during a user gesture')));
    expect(await createHostAccess(api, 'chrome').request([EHR])).toBe(false);
  });

  it('turns a background that does not answer into an "unavailable" reply', async () => {
    const down = createBackgroundClient(() => Promise.reject(new Error('Could not establish connection. Receiving end does not exist.')));
    expect(await down.send({ type: 'options/get' })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'Could not establish connection. Receiving end does not exist.' },
    });
    expect((await createBackgroundClient(async () => undefined).send({ type: 'options/get' })).ok).toBe(false);
  });
});

describe('adapter from the builder proposal', () => {
  it('uses the patient number from the page when the URL does not carry it, and leaves skipped steps out', () => {
    const proposal: AdapterProposal = { url: `${EHR}/x`, patient: { name: '#name', key: '#nr' }, diagnoses: '#codes', warnings: [] };
    expect(adapterFromProposal(proposal, { name: 'Ons HIS (test)', origin: EHR, pathPrefix: '/' })).toEqual({
      id: 'ons-his-test',
      name: 'Ons HIS (test)',
      pages: [{ origin: EHR, pathPrefix: '/' }],
      patient: { name: '#name', key: '#nr' },
      scan: { include: ['#codes'], exclude: [], diagnoses: ['#codes'] },
    });
  });
});

describe('dry run', () => {
  it('counts diagnosis names in the codes field, not in running text', () => {
    expect(dryRun([geldzorgen], 'Klaagt over hoofdpijn.', '')).toEqual([]);
    expect(dryRun([geldzorgen], '', 'hoofdpijn')).toEqual([{ ruleSet: geldzorgen, reasons: [{ kind: 'name', name: 'hoofdpijn', code: 'N01', title: geldzorgen.triggers.codes[0]!.title }] }]);
  });
});

/** What the content script of an EHR tab reports for "Test op open tabblad". */
function findings(): ProbeFindings {
  return {
    url: `${EHR}/consult`,
    pageMatches: true,
    patient: { key: 'P-1001', name: 'Mila Voorbeeld', phone: '06-99990001', birthDate: '' },
    practitioner: { name: 'dr. E. Denkbeeld', agb: '01999001' },
    codes: ['N01'],
    terms: ['geldzorgen'],
    names: ['hoofdpijn → N01'],
    firing: [
      {
        ruleSetId: geldzorgen.id,
        because: [
          { kind: 'code', text: 'N01' },
          { kind: 'term', text: 'geldzorgen' },
        ],
      },
    ],
    warnings: [
      { kind: 'finds-nothing', path: 'patient.birthDate', selector: '.dob', count: 0 },
      { kind: 'finds-many', path: 'scan.include[0]', selector: '.consult', count: 3 },
      { kind: 'no-patient', path: 'patient' },
      { kind: 'recurrence-not-met', path: `ruleSets: ${eenzaamheid.id}`, ruleSetId: eenzaamheid.id, minEpisodes: 1, withinMonths: 12 },
    ],
  };
}
