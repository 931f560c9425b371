import { render } from 'preact';
import { browser } from 'wxt/browser';
import { createBackgroundClient } from '../../pages/background-client';
import { ReportApp } from '../../pages/report/ReportApp';
import { createDownloader } from '../../pages/download';
import { pageLanguage } from '../../pages/page-language';
import '../../pages/palette.css';
import '../../pages/plain-page.css';
import '../../pages/report/report.css';

// Wiring only: the browser's APIs go in, everything else lives in extension/pages/report.
const { t, locale } = pageLanguage(browser.i18n, document, 'report_title');

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
