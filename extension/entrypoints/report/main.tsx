import { render } from 'preact';
import { browser } from 'wxt/browser';
import { createBackgroundClient } from '../../pages/options/background-client';
import { ReportApp } from '../../pages/report/ReportApp';
import { createDownloader } from '../../pages/download';
import { createTranslator } from '../../shared/i18n';
import { localeFromLanguageTag } from '../../shared/locale';
import '../../pages/report/report.css';

// Wiring only: the browser's APIs go in, everything else lives in extension/pages/report.
const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
const locale = localeFromLanguageTag(browser.i18n.getUILanguage());
document.documentElement.lang = locale;
document.title = t('report_title');

render(
  <ReportApp
    deps={{
      client: createBackgroundClient((message) => browser.runtime.sendMessage(message)),
      t,
      locale,
      now: () => new Date(),
      download: createDownloader(document, URL),
      print: () => window.print(),
      document,
    }}
  />,
  document.getElementById('app')!,
);
