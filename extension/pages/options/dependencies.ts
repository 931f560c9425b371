import type { ComponentChildren } from 'preact';
import type { Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import type { OptionsRequest, OptionsView, Problem } from '../../shared/messages';
import type { BackgroundClient } from '../background-client';
import type { DownloadText } from '../download';
import type { HostAccess } from './host-access';

/** Timers, passed in so tests run the editor's debounce and the builder's polling without waiting. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Everything the options page uses from outside itself: the entry point passes the browser's, tests pass fakes. */
export interface OptionsDependencies {
  client: BackgroundClient;
  hostAccess: HostAccess;
  t: Translate;
  /** The UI language: rule-set and template names are shown in it. */
  locale: Locale;
  readFile(file: File): Promise<string>;
  download: DownloadText;
  timers: Timers;
}

/** Requests that change configuration and answer with the new view. */
export type ChangeRequest = Extract<
  OptionsRequest,
  { type: 'options/save-practice' | 'options/save-item' | 'options/remove-item' | 'options/set-rule-set-enabled' }
>;

/** A refused action as the status area shows it: what went wrong, where, and what stays as it was. */
export interface Refusal {
  summary: ComponentChildren;
  problems: Problem[];
  unchanged?: ComponentChildren;
}

/** What a section may do to the page as a whole. */
export interface PageActions {
  /**
   * Sends a change. Accepted: the page re-renders from the reply's view and the status says `done`.
   * Refused: the status lists the problems and `unchanged`. Resolves with the new view, or null.
   */
  change(
    message: ChangeRequest,
    texts: { done: ComponentChildren | ((view: OptionsView) => ComponentChildren); unchanged: ComponentChildren },
  ): Promise<OptionsView | null>;
  /** Shows a view that came with another reply (an import). */
  show(view: OptionsView): void;
  /** Reads the view again, e.g. after the browser granted or took back a site. */
  refresh(): Promise<OptionsView | null>;
  /** Says what happened, politely (never moves focus). */
  report(message: ComponentChildren): void;
  /** Shows a refusal as an alert and moves focus to it, so the problems are read out and in view. */
  refuse(refusal: Refusal): void;
}

/** What every section component receives. */
export interface SectionProps {
  view: OptionsView;
  deps: OptionsDependencies;
  actions: PageActions;
}
