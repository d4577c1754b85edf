/**
 * Model-comparison and model-content figures as ECharts options: the DeLong p-value matrix,
 * confusion matrices, rad-score distributions by class, coefficient bars, and the LASSO
 * coefficient paths with their cross-validation curve.
 */
import type { FigureData, SetKey } from './types.js';
import { SET_LABELS } from './types.js';
import { categoryAxis, colorOf, FONT_SIZE, formatP, frame, GREY, legend, PALETTE, pText, valueAxis } from './style.js';

type Option = Record<string, unknown>;

/** Heatmap of pairwise DeLong p-values (roc.test, paired); the diagonal is left empty. */
export function delongOption(fd: FigureData, set: SetKey): Option {
  const d = fd.delong.find((x) => x.set === set);
  const models = d?.models ?? [];
  const data: [number, number, number, string][] = [];
  models.forEach((_, i) =>
    models.forEach((__, j) => {
      const p = d?.pValues[i]?.[j];
      if (i !== j && p !== null && p !== undefined) data.push([j, models.length - 1 - i, p, formatP(p)]);
    }),
  );
  return frame(`DeLong test p-values — ${SET_LABELS[set]}`, {
    grid: { left: 150, right: 90, top: 40, bottom: 90 },
    xAxis: categoryAxis('', models, { axisLabel: { rotate: 20, fontSize: FONT_SIZE - 1, color: '#000' } }),
    yAxis: categoryAxis('', [...models].reverse()),
    visualMap: {
      min: 0,
      max: 1,
      dimension: 2,
      calculable: false,
      orient: 'vertical',
      right: 10,
      top: 'middle',
      text: ['p = 1', 'p = 0'],
      // Sequential blue (colour-blind safe): low p-values dark.
      inRange: { color: ['#08306B', '#2171B5', '#6BAED6', '#C6DBEF', '#F7FBFF'] },
      textStyle: { fontSize: FONT_SIZE - 1 },
    },
    series: [
      {
        name: 'DeLong p',
        type: 'heatmap',
        data,
        label: {
          show: true,
          formatter: (x: { value: [number, number, number, string] }) => x.value[3],
          fontSize: FONT_SIZE,
          color: '#000',
          backgroundColor: 'rgba(255,255,255,0.7)',
        },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  });
}

/** 2 × 2 confusion matrix of one model on one set at the training Youden threshold. */
export function confusionOption(fd: FigureData, model: string, set: SetKey): Option {
  const c = fd.confusion.find((x) => x.model === model && x.set === set);
  const cells = c
    ? [
        [0, 1, c.tp, 'TP'],
        [1, 1, c.fn, 'FN'],
        [0, 0, c.fp, 'FP'],
        [1, 0, c.tn, 'TN'],
      ]
    : [];
  const max = c ? Math.max(c.tp, c.fp, c.fn, c.tn, 1) : 1;
  return frame(`Confusion matrix — ${model}, ${SET_LABELS[set]}`, {
    grid: { left: 110, right: 40, top: 40, bottom: 70 },
    xAxis: categoryAxis('Predicted class', ['Positive', 'Negative'], { position: 'bottom' }),
    yAxis: categoryAxis('Actual class', ['Negative', 'Positive'], { nameGap: 70 }),
    visualMap: { show: false, min: 0, max, dimension: 2, inRange: { color: ['#F7FBFF', '#6BAED6', '#2171B5'] } },
    series: [
      {
        name: 'Count',
        type: 'heatmap',
        data: cells,
        label: {
          show: true,
          fontSize: FONT_SIZE + 2,
          color: '#000',
          backgroundColor: 'rgba(255,255,255,0.7)',
          formatter: (x: { value: [number, number, number, string] }) => `${x.value[3]} ${x.value[2]}`,
        },
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
      },
    ],
  });
}

/** Rad-score (or predicted probability) by class, one model, every set: Tukey boxes (1.5 IQR whiskers). */
export function radScoreOption(fd: FigureData, model: string): Option {
  const rows = fd.radScore.filter((r) => r.model === model);
  const scale = rows[0]?.scale ?? 'Score';
  const short = { train: 'Training', cv: 'Training (CV)', test: 'Internal test', external: 'External' } as const;
  const cats = rows.map((r) => `${short[r.set]}\n${pText(r.pValue)}`);
  const box = (which: 'negative' | 'positive', color: string): Option => ({
    name: which === 'positive' ? 'Outcome positive' : 'Outcome negative',
    type: 'boxplot',
    boxWidth: [12, 36],
    data: rows.map((r) => r[which].box),
    itemStyle: { color: '#fff', borderColor: color, borderWidth: 1.5 },
  });
  return frame(`${scale} by class — ${model}`, {
    xAxis: categoryAxis('', cats, {
      axisLine: { onZero: false, lineStyle: { color: '#000' } },
      axisLabel: { interval: 0, color: '#000', fontSize: FONT_SIZE - 1 },
    }),
    yAxis: valueAxis(scale, undefined, undefined, { nameGap: 44, scale: true }),
    legend: legend({ orient: 'horizontal', top: 24, right: 'center', bottom: undefined }),
    series: [box('negative', PALETTE[0] as string), box('positive', PALETTE[1] as string)],
  });
}

/** Standardized coefficients (per SD of each feature in training) of one linear model. */
export function coefficientOption(fd: FigureData, model: string): Option {
  const c = fd.coefficients.find((x) => x.model === model);
  const terms = [...(c?.terms ?? [])].sort((a, b) => Math.abs(a.standardized) - Math.abs(b.standardized));
  return frame(`Coefficients — ${model}`, {
    grid: { left: 220, right: 40, top: 40, bottom: 56 },
    xAxis: valueAxis('Standardized coefficient (log-odds per SD)'),
    yAxis: categoryAxis(
      '',
      terms.map((t) => t.feature),
      { nameGap: 10, axisLabel: { fontSize: FONT_SIZE - 2, color: '#000' } },
    ),
    series: [
      {
        name: model,
        type: 'bar',
        barMaxWidth: 18,
        data: terms.map((t) => ({
          value: t.standardized,
          itemStyle: { color: t.standardized >= 0 ? PALETTE[1] : PALETTE[0] },
        })),
      },
    ],
  });
}

/** LASSO coefficient paths against log(λ), with λ.min and λ.1se marked (glmnet plot). */
export function lassoPathOption(fd: FigureData, model: string): Option {
  const l = fd.lasso.find((x) => x.model === model);
  const logL = (l?.lambda ?? []).map((v) => Math.log(v));
  const marks = l
    ? [
        { name: 'λ.min', xAxis: logL[l.indexMin] },
        { name: 'λ.1se', xAxis: logL[l.index1se] },
      ]
    : [];
  return frame(`LASSO coefficient paths — ${model}`, {
    xAxis: valueAxis('log(λ)', undefined, undefined, { scale: true }),
    yAxis: valueAxis('Coefficient', undefined, undefined, { nameGap: 44, scale: true }),
    series: (l?.features ?? []).map((f, k) => ({
      name: f,
      type: 'line',
      showSymbol: false,
      data: logL.map((x, i) => [x, l!.beta[k]?.[i]]),
      lineStyle: { width: 1.2, color: colorOf(k) },
      itemStyle: { color: colorOf(k) },
      ...(k === 0
        ? {
            markLine: {
              symbol: 'none',
              silent: true,
              lineStyle: { color: GREY, type: 'dashed' },
              label: { formatter: '{b}', fontSize: FONT_SIZE - 1 },
              data: marks,
            },
          }
        : {}),
    })),
  });
}

/** Cross-validated binomial deviance ± 1 SE against log(λ) (cv.glmnet plot). */
export function lassoCvOption(fd: FigureData, model: string): Option {
  const l = fd.lasso.find((x) => x.model === model);
  const logL = (l?.lambda ?? []).map((v) => Math.log(v));
  const band = (sign: number): Option => ({
    name: sign > 0 ? 'Deviance + 1 SE' : 'Deviance − 1 SE',
    type: 'line',
    showSymbol: false,
    data: logL.map((x, i) => [x, (l!.cvm[i] as number) + sign * (l!.cvsd[i] as number)]),
    lineStyle: { width: 1, type: 'dotted', color: GREY },
    itemStyle: { color: GREY },
  });
  return frame(`LASSO cross-validation — ${model}`, {
    xAxis: valueAxis('log(λ)', undefined, undefined, { scale: true }),
    yAxis: valueAxis('Binomial deviance', undefined, undefined, { nameGap: 44, scale: true }),
    legend: legend({ top: 36, bottom: undefined }),
    series: l
      ? [
          {
            name: 'Mean CV deviance',
            type: 'line',
            symbol: 'circle',
            symbolSize: 4,
            data: logL.map((x, i) => [x, l.cvm[i]]),
            lineStyle: { color: PALETTE[1] },
            itemStyle: { color: PALETTE[1] },
            markLine: {
              symbol: 'none',
              silent: true,
              lineStyle: { color: GREY, type: 'dashed' },
              label: { formatter: '{b}', fontSize: FONT_SIZE - 1 },
              data: [
                { name: 'λ.min', xAxis: logL[l.indexMin] },
                { name: 'λ.1se', xAxis: logL[l.index1se] },
              ],
            },
          },
          band(1),
          band(-1),
        ]
      : [],
  });
}
