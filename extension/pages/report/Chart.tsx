import * as Plot from '@observablehq/plot';
import { useEffect, useRef } from 'preact/hooks';
import type { Translate } from '../../shared/i18n';
import type { ChartSpec } from './charts';

/**
 * One chart: a figure with the Plot-drawn SVG, its caption, and the same numbers as a table (the
 * text equivalent, open on request on screen and always printed). Plot builds plain DOM, which is
 * put into a container Preact leaves alone, and rebuilt when the spec changes.
 */
export function Chart({ spec, t, doc }: { spec: ChartSpec; t: Translate; doc: Document }) {
  const canvas = useRef<HTMLDivElement>(null);
  const titleId = `chart-${spec.id}-title`;

  useEffect(() => {
    const container = canvas.current;
    if (!container || spec.empty) return;
    const chart = Plot.plot({ ...spec.plot, document: doc, ariaLabel: spec.title, ariaDescription: t('report_chart_summary', [spec.title, spec.summary]) });
    // One image to assistive technology, named and described (the numbers are also in the table
    // below): Plot labels its inner groups too, which is not allowed on elements without a role.
    for (const svg of chart instanceof doc.defaultView!.SVGSVGElement ? [chart] : [...chart.querySelectorAll('svg')]) {
      if (!svg.hasAttribute('aria-label')) continue;
      svg.setAttribute('role', 'img');
      for (const inner of svg.querySelectorAll('[aria-label]')) inner.removeAttribute('aria-label');
    }
    container.replaceChildren(chart);
    return () => chart.remove();
  }, [spec, doc, t]);

  return (
    <figure class="report-chart" data-chart={spec.id} aria-labelledby={titleId}>
      <figcaption>
        <strong id={titleId} class="report-chart-title">
          {spec.title}
        </strong>
        <span class="report-chart-caption">{spec.caption}</span>
      </figcaption>
      {spec.empty ? <p class="report-empty">{t('report_chart_empty')}</p> : <div ref={canvas} class="report-chart-canvas" />}
      <details class="report-chart-table">
        <summary>{t('report_chart_as_table')}</summary>
        <table>
          <caption>{spec.title}</caption>
          <thead>
            <tr>
              {spec.table.headers.map((header) => (
                <th key={header} scope="col">
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {spec.table.rows.map((row) => (
              <tr key={row[0]}>
                {row.map((cell, index) =>
                  index === 0 ? (
                    <th key={index} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={index}>{cell}</td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
