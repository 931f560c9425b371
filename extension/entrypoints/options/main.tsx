import { render } from 'preact';
import { browser } from 'wxt/browser';
import { OptionsApp } from '../../pages/options/OptionsApp';
import { createBackgroundClient } from '../../pages/options/background-client';
import { createDownloader } from '../../pages/download';
import { createHostAccess } from '../../pages/options/host-access';
import { createTranslator } from '../../shared/i18n';
import { localeFromLanguageTag } from '../../shared/locale';
import '../../pages/options/options.css';

// Wiring only: the browser's APIs go in, everything else lives in extension/pages/options.
const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
const locale = localeFromLanguageTag(browser.i18n.getUILanguage());
document.documentElement.lang = locale;
document.title = t('options_title');

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
