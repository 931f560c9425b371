import { render } from 'preact';
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { nextStep, refreshFound, teachableElement, teachElement, toProposal, type Taught, type TeachStep } from '../../content/builder/teach-session';
import { TeachOverlay } from '../../content/builder/TeachOverlay';
import { mountShadowHost } from '../../content/shadow-host';
import { TEACH_HOST } from '../../content/ui-hosts';
import { createTranslator } from '../../shared/i18n';
import type { RequestMessage, Response, ResponseMap } from '../../shared/messages';
import styles from './style.css?inline';

export default defineContentScript({
  // Started only by the background, in the one tab the administrator switched into teach mode.
  registration: 'runtime',
  cssInjectionMode: 'manual',

  main(ctx) {
    const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
    const send = <M extends RequestMessage>(message: M) => browser.runtime.sendMessage(message) as Promise<Response<ResponseMap[M['type']]>>;
    let taught: Taught = {};
    const elements = new Map<TeachStep, Element>();
    const skipped = new Set<TeachStep>();
    let sent = false;
    let stopped = false;
    const ui = mountShadowHost(document, {
      name: TEACH_HOST,
      css: styles,
      containerClass: 'vs-teach-root',
      isolateEvents: ['keydown', 'keyup', 'keypress', 'input', 'change'],
    });
    const overlay = document.createElement('div');
    const highlight = document.createElement('div');
    highlight.className = 'vs-teach-highlight';
    highlight.hidden = true;
    ui.container.append(overlay, highlight);
    let removed = false;
    const removeUi = () => {
      removed = true;
      render(null, overlay);
      ui.remove();
    };

    function draw(): void {
      if (removed) return;
      render(
        <TeachOverlay
          taught={taught}
          skipped={skipped}
          current={sent ? null : nextStep(taught, skipped)}
          sent={sent}
          t={t}
          onSkip={(step) => {
            skipped.add(step);
            draw();
          }}
          onRedo={(step) => {
            const { [step]: _removed, ...rest } = taught;
            taught = rest;
            elements.delete(step);
            skipped.delete(step);
            draw();
          }}
          onWider={(step) => {
            const parent = elements.get(step)?.parentElement;
            if (!parent || parent === document.body) return;
            elements.set(step, parent);
            taught = { ...taught, [step]: teachElement(step, parent, taught, location.href) };
            draw();
          }}
          onSend={() => {
            void send({ type: 'teach/proposal', proposal: toProposal(taught, location.href) }).then((response) => {
              if (!response.ok) return console.warn('[Vroegsignaal] proposal not accepted:', response.error.message);
              sent = true;
              stop();
              draw();
            });
          }}
          onStop={() => {
            stop();
            removeUi();
          }}
        />,
        overlay,
      );
    }

    function pointedAt(event: Event): Element | null {
      const target = event.composedPath()[0];
      return target instanceof Element && !event.composedPath().includes(ui.host) ? target : null;
    }

    // Capture phase, before the EHR's own handlers: while teaching, a click only points something out.
    const onClick = (event: MouseEvent) => {
      const element = pointedAt(event);
      if (!element) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      const step = nextStep(taught, skipped);
      if (!step) return;
      elements.set(step, teachableElement(element));
      taught = { ...taught, [step]: teachElement(step, element, taught, location.href) };
      draw();
    };
    const swallow = (event: Event) => {
      if (pointedAt(event)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    };
    const onMove = (event: MouseEvent) => {
      const element = pointedAt(event);
      if (!element) {
        highlight.hidden = true;
        return;
      }
      const box = teachableElement(element).getBoundingClientRect();
      Object.assign(highlight.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
      highlight.hidden = false;
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        stop();
        removeUi();
      }
    };

    function stop(): void {
      if (stopped) return;
      stopped = true;
      document.removeEventListener('click', onClick, true);
      for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick']) document.removeEventListener(type, swallow, true);
      document.removeEventListener('mousemove', onMove, true);
      document.removeEventListener('keydown', onKey, true);
      highlight.hidden = true;
    }

    // Live: what each proposed selector finds follows the page while the administrator works.
    ctx.setInterval(() => {
      if (stopped || Object.keys(taught).length === 0) return;
      taught = refreshFound(taught, document);
      draw();
    }, 1_000);

    document.addEventListener('click', onClick, true);
    for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'dblclick']) document.addEventListener(type, swallow, true);
    document.addEventListener('mousemove', onMove, true);
    document.addEventListener('keydown', onKey, true);
    ctx.onInvalidated(() => {
      stop();
      removeUi();
    });

    draw();
  },
});
