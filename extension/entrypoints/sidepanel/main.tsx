import { render } from 'preact';
import { browser } from 'wxt/browser';
import { createBackgroundClient } from '../../pages/background-client';
import { WorkListApp } from '../../pages/worklist/WorkListApp';
import { pageLanguage } from '../../pages/page-language';
import '../../pages/palette.css';
import '../../pages/plain-page.css';
import '../../pages/worklist/worklist.css';

// Wiring only: the browser's APIs go in, everything else lives in extension/pages/worklist. The same
// page is Chrome's side panel and Firefox's sidebar (WXT maps the entrypoint to both).
const { t, locale } = pageLanguage(browser.i18n, document, 'worklist_title');

render(
  <WorkListApp
    deps={{
      client: createBackgroundClient((message) => browser.runtime.sendMessage(message)),
      t,
      locale,
      clipboard: navigator.clipboard,
    }}
  />,
  document.getElementById('app')!,
);
