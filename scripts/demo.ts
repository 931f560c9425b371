/**
 * The demo: builds the extension, starts the demo HIS and the reference receiver, opens Chromium
 * with the extension and configures it for the demo practice the way a practice would: its options
 * page imports demo-ehr/vroegsignaal-demo.config.json and the browser asks for access to the demo
 * HIS and the receiver. With a display it stays open for you to try (you answer the browser's
 * prompt yourself); without one it runs on a virtual display, walks through the whole loop — a
 * consult, the referral, the social team's inbox recording what happened, the GP seeing it when the
 * patient is opened again — and saves a screenshot of every step.
 *
 *   npm run demo                 # on your display if $DISPLAY is set, else the walk-through
 *   npm run demo -- --headless   # force the walk-through
 */
import { execFileSync } from 'node:child_process';
import { readFile, mkdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { startDemoEhr } from '../demo-ehr/server';
import { startReceiver } from '../receiver/server';
import { launchWithExtension } from './lib/browser';
import { ConsultPage } from './lib/consult';
import { DEMO_TEAM_MEMBER, demoReceiverProvision } from './lib/demo-configuration';
import { InboxPage } from './lib/inbox';
import { importConfiguration, waitUntilWatched } from './lib/practice-setup';
import { startVirtualDisplay } from './lib/virtual-display';

const ROOT = resolve(import.meta.dirname, '..');
const SCREENSHOT_DIR = resolve(ROOT, '.demo-output/screenshots');
const DEMO_CONFIGURATION = resolve(ROOT, 'demo-ehr/vroegsignaal-demo.config.json');
const walkThrough = process.argv.includes('--headless') || !process.env.DISPLAY;

async function main(): Promise<void> {
  console.log('Vroegsignaal demo: extensie bouwen…');
  execFileSync('npx', ['wxt', 'build'], { cwd: ROOT, stdio: 'inherit' });

  // Default ports: the ones demo-ehr/vroegsignaal-demo.config.json names.
  const ehr = await startDemoEhr();
  // The demo practice's token and the demo team member are (re)created at every start.
  const receiver = await startReceiver({ log: () => {}, provision: demoReceiverProvision() });
  console.log(`Demo-HIS:            ${ehr.url}/patient/P-1001`);
  console.log(`Sociaal wijkteam:    ${receiver.url}/   (referentie-ontvanger, gegevens in receiver/data)`);
  console.log(`  inloggen als:      ${DEMO_TEAM_MEMBER.username} / ${DEMO_TEAM_MEMBER.password}`);

  // The browser's permission prompt exists only in a browser with a window: the walk-through gets a virtual one.
  const virtualDisplay = walkThrough ? await startVirtualDisplay() : null;
  const browser = await launchWithExtension({ display: virtualDisplay?.display ?? process.env.DISPLAY });
  const configuration = JSON.parse(await readFile(DEMO_CONFIGURATION, 'utf8')) as unknown;
  const stop = async () => {
    await browser.close().catch(() => {});
    await receiver.close();
    await ehr.close();
    await virtualDisplay?.close();
  };

  if (!walkThrough) {
    console.log('\nDe instellingen van Vroegsignaal importeren het demo-configuratiebestand.');
    console.log('Chromium vraagt daarna om toegang tot de demo-HIS en de ontvanger: klik op "Toestaan".');
    const options = await browser.openOptions();
    await options.getByLabel('Configuratiebestand kiezen').setInputFiles(DEMO_CONFIGURATION);
    await options.getByRole('button', { name: 'Importeren en toegang geven' }).click();
    await options.getByRole('status').filter({ hasText: /Geïmporteerd/ }).waitFor({ timeout: 10 * 60_000 });
    await waitUntilWatched(browser, ehr.url);
    const page = await browser.context.newPage();
    await page.goto(`${ehr.url}/patient/P-1001`);
    console.log('\nChromium is open met Vroegsignaal. Typ bijvoorbeeld N01 in het ICPC-veld van de E-regel.');
    console.log('Sluit het venster of druk Ctrl+C om te stoppen.');
    await new Promise<void>((done) => {
      browser.context.on('close', () => done());
      process.once('SIGINT', () => done());
      process.once('SIGTERM', () => done());
    });
    await stop();
    return;
  }

  await rm(SCREENSHOT_DIR, { recursive: true, force: true });
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const page = await browser.context.newPage();
  const consult = new ConsultPage(page);
  let step = 0;
  const shoot = async (name: string, description: string) => {
    const file = resolve(SCREENSHOT_DIR, `${String(++step).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    console.log(`  ${step}. ${description}\n     ${file}`);
  };

  try {
    console.log('\nGeen beeldscherm: de demo loopt een consult door op een virtueel scherm.');
    const options = await importConfiguration(browser, configuration, 'vroegsignaal-demo.config.json');
    await waitUntilWatched(browser, ehr.url);
    await options.screenshot({ path: resolve(SCREENSHOT_DIR, '00-instellingen.png'), fullPage: true });
    console.log(`  0. Instellingen: demo-configuratiebestand geïmporteerd, toegang tot de demo-HIS gegeven.\n     ${resolve(SCREENSHOT_DIR, '00-instellingen.png')}`);
    await options.close();
    await consult.open(ehr.url, 'P-1001');
    await shoot('consult-geopend', 'Consult van Mila Voorbeeld geopend; nog geen melding.');
    await consult.writeSubjective('Al weken hoofdpijn, slaapt slecht. Veel spanning thuis.');
    await consult.typeCode('N01');
    await consult.sidebar.waitFor();
    await shoot('melding-n01', 'N01 in de E-regel: de zijbalk verschijnt met de drie vragen.');
    await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await consult.answer(/Slaapt u slecht van geldzorgen/, 'Ja');
    await consult.answer(/Stapelt de post zich bij u thuis weleens op/, 'Nee');
    await shoot('vragen-beantwoord', 'Twee keer ja: verwijzing naar het sociaal wijkteam wordt aangeboden.');
    await consult.goToConsent();
    await consult.fillConsent({ callMoment: 'Middag', note: 'Liever bellen na 14 uur.' });
    await shoot('toestemming', 'Toestemming: voor te lezen zin, telefoon uit de patiëntkop, voorbeeld van wat de praktijk verlaat.');
    await consult.tickConsent();
    await consult.sendButton.click();
    await consult.status.getByText(/Afgeleverd/).waitFor({ timeout: 15_000 });
    await shoot('afgeleverd', 'Verstuurd: eerst veilig in de wachtrij, daarna afgeleverd bij de ontvanger.');
    await consult.switchTo('P-1002');
    await shoot('andere-patient', 'Andere patiënt geopend zonder herladen: de zijbalk is leeg.');

    // The social team's side: a team member logs in, calls Mila and records what happened.
    const inboxPage = await browser.context.newPage();
    const inbox = new InboxPage(inboxPage, receiver.url);
    const shootInbox = async (name: string, description: string) => {
      const file = resolve(SCREENSHOT_DIR, `${String(++step).padStart(2, '0')}-${name}.png`);
      await inboxPage.screenshot({ path: file, fullPage: true });
      console.log(`  ${step}. ${description}\n     ${file}`);
    };
    await inbox.logIn(DEMO_TEAM_MEMBER.username, DEMO_TEAM_MEMBER.password);
    await shootInbox('wijkteam-werkvoorraad', 'Sociaal wijkteam: de werkvoorraad, oudste eerst, met de terugbeltermijn van 2 werkdagen.');
    // receiver/data keeps earlier demo runs: this run's referral is Mila's latest.
    const [referral] = (await receiver.referrals()).filter((stored) => stored.patientName === 'Mila Voorbeeld').sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
    await inbox.openReferral(referral!.uuid);
    await inbox.recordCalled();
    await inbox.recordOutcome('handled-with-partners', ['credit-bank', 'income-support'], 'Budgetcoach gestart; aanvraag bijzondere bijstand loopt.');
    await shootInbox('wijkteam-uitkomst', 'Gebeld en de uitkomst vastgelegd: opgepakt met partners, met een notitie voor de huisarts.');
    await inboxPage.close();

    // Back at the practice: opening Mila again shows what the social team reported.
    await consult.switchTo('P-1001');
    await consult.sidebarDocument.getByRole('button', { name: /terugkoppeling/ }).waitFor({ timeout: 15_000 });
    await shoot('terugkoppeling-tab', 'Terug bij Mila: het lipje meldt rustig dat er terugkoppeling is.');
    await consult.sidebarTab.click();
    await consult.sidebar.getByText(/opgepakt door het sociaal team met partners/).waitFor({ timeout: 15_000 });
    await shoot('terugkoppeling', 'De zijbalk: gebeld op …, opgepakt door het sociaal team met partners, en de notitie.');
    console.log(`\nSchermafbeeldingen staan in ${SCREENSHOT_DIR}`);
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
