import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsApp } from '../../pages/options/OptionsApp';
import { createBackgroundClient } from '../../pages/background-client';
import { createDownloader } from '../../pages/download';
import { createHostAccess } from '../../pages/options/host-access';
import { pageLanguage } from '../../pages/page-language';
import '../../pages/palette.css';
import '../../pages/plain-page.css';
import '../../pages/options/options.css';

// Wiring only: the browser's APIs go in, everything else lives in extension/pages/options.
const { t, locale } = pageLanguage(browser.i18n, document, 'options_title');

render(
  <OptionsApp
    deps={{
      client: createBackgroundClient((message) => browser.runtime.sendMessage(message)),
      hostAccess: createHostAccess(browser.permissions, import.meta.env.BROWSER),
      t,
      locale,
      readFile: (file) => file.text(),
      download: createDownloader(document, URL),
      timers: { setTimeout: (callback, ms) => setTimeout(callback, ms), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
    }}
  />,
  document.getElementById('app')!,
);
