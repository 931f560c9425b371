import { render } from 'preact';
import { browser } from 'wxt/browser';
import { createBackgroundClient } from '../../pages/options/background-client';
import { WorkListApp } from '../../pages/worklist/WorkListApp';
import { createTranslator } from '../../shared/i18n';
import { localeFromLanguageTag } from '../../shared/locale';
import '../../pages/worklist/worklist.css';

// Wiring only: the browser's APIs go in, everything else lives in extension/pages/worklist. The same
// page is Chrome's side panel and Firefox's sidebar (WXT maps the entrypoint to both).
const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
const locale = localeFromLanguageTag(browser.i18n.getUILanguage());
document.documentElement.lang = locale;
document.title = t('worklist_title');

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
