/**
 * Study-level figures as ECharts options: Kaplan–Meier curves with the number-at-risk table under
 * the plot and the log-rank p, and the feature correlation heatmap. Pure functions of the figure
 * data (charts/studyTypes.ts), shared by the dashboard and the server-side exports.
 */
import type { CorrelationFigure, KaplanMeierFigure } from './studyTypes.js';
import { SET_LABELS } from './types.js';
import { categoryAxis, colorOf, FONT_SIZE, frame, legend, pText, valueAxis } from './style.js';

type Option = Record<string, unknown>;

/** A '+' marker (SVG path) for censored observations, as plot.survfit draws them. */
const CROSS = 'path://M4,0 L6,0 L6,4 L10,4 L10,6 L6,6 L6,10 L4,10 L4,6 L0,6 L0,4 L4,4 Z';

export function kaplanMeierLegend(g: KaplanMeierFigure['groups'][number]): string {
  return `${g.label} (n = ${g.n}, ${g.events} events${g.median !== null ? `, median ${Number(g.median.toPrecision(4))}` : ''})`;
}

export function logRankText(fd: KaplanMeierFigure): string {
  return fd.logRank
    ? `Log-rank ${pText(fd.logRank.pValue)} (χ² = ${fd.logRank.statistic.toFixed(2)}, ${fd.logRank.df} df)`
    : 'Log-rank: one group only';
}

export function kaplanMeierOption(fd: KaplanMeierFigure): Option {
  const setLabel = fd.set === 'all' ? 'All rows' : SET_LABELS[fd.set];
  const k = fd.groups.length;
  const tableH = 18 * k + 10;
  const bottom = 56 + tableH + 24;
  const maxT = fd.atRisk.times[fd.atRisk.times.length - 1] ?? 1;
  const curves: Option[] = [];
  fd.groups.forEach((g, gi) => {
    const color = colorOf(gi);
    const data: [number, number][] = [[0, 1]];
    g.time.forEach((t, j) => data.push([t, g.survival[j] as number]));
    curves.push({
      name: kaplanMeierLegend(g),
      type: 'line',
      step: 'end',
      showSymbol: false,
      data,
      lineStyle: { width: 2, color },
      itemStyle: { color },
      xAxisIndex: 0,
      yAxisIndex: 0,
    });
    const cens = g.time.map((t, j) => [t, g.survival[j]] as [number, number]).filter((_, j) => (g.nCensor[j] as number) > 0);
    if (cens.length)
      curves.push({
        name: `${g.label}: censored`,
        type: 'scatter',
        symbol: CROSS,
        symbolSize: 8,
        data: cens,
        itemStyle: { color },
        xAxisIndex: 0,
        yAxisIndex: 0,
      });
  });
  const atRisk = {
    name: 'Number at risk',
    type: 'scatter',
    symbolSize: 0,
    silent: true,
    xAxisIndex: 1,
    yAxisIndex: 1,
    data: fd.groups.flatMap((_, gi) => fd.atRisk.times.map((t, j) => [t, gi, fd.atRisk.counts[gi]![j]])),
    label: {
      show: true,
      position: 'inside',
      fontSize: FONT_SIZE - 1,
      color: '#000',
      formatter: (x: { value: [number, number, number] }) => String(x.value[2]),
    },
  };
  const axisT = (name: string, gridIndex: number, show: boolean): Option =>
    valueAxis(name, 0, maxT, {
      gridIndex,
      interval: fd.atRisk.times.length > 1 ? (fd.atRisk.times[1] as number) : maxT,
      ...(show ? {} : { axisLabel: { show: false }, axisTick: { show: false }, axisLine: { show: false } }),
    });
  return frame(`Kaplan–Meier — ${fd.eventColumn} (${setLabel})`, {
    title: [
      {
        text: `Kaplan–Meier — ${fd.eventColumn} (${setLabel})`,
        subtext: `${fd.groupLabel}. ${logRankText(fd)}`,
        left: 'center',
        top: 4,
        textStyle: { fontSize: FONT_SIZE + 1, fontWeight: 'bold' },
        subtextStyle: { fontSize: FONT_SIZE - 1, color: '#000' },
      },
      { text: 'Number at risk', left: 8, bottom: tableH + 8, textStyle: { fontSize: FONT_SIZE - 1, fontWeight: 'bold' } },
    ],
    grid: [
      { left: 120, right: 24, top: 56, bottom },
      { left: 120, right: 24, bottom: 8, height: tableH },
    ],
    xAxis: [axisT(`Time (${fd.timeColumn})`, 0, true), axisT('', 1, false)],
    yAxis: [
      valueAxis('Survival probability', 0, 1, { gridIndex: 0, nameGap: 40 }),
      categoryAxis(
        '',
        fd.groups.map((g) => g.label),
        {
          gridIndex: 1,
          inverse: true,
          axisLine: { show: false },
          axisTick: { show: false },
          axisLabel: { margin: 22, color: '#000', fontSize: FONT_SIZE - 1 },
        },
      ),
    ],
    legend: legend({ data: fd.groups.map((g) => kaplanMeierLegend(g)), bottom: bottom + 10 }),
    series: [...curves, atRisk],
  });
}

export function correlationOption(fd: CorrelationFigure): Option {
  const p = fd.features.length;
  const data: [number, number, number][] = [];
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) data.push([j, p - 1 - i, Number((fd.r[i]![j] as number).toFixed(3))]);
  const label = fd.method === 'pearson' ? 'Pearson r' : 'Spearman ρ';
  const short = (s: string): string => (s.length > 34 ? `…${s.slice(-33)}` : s);
  return frame(`Feature correlations (${label}${fd.clustered ? ', clustered' : ''}, training n = ${fd.n})`, {
    grid: { left: 230, right: 90, top: 40, bottom: 170 },
    xAxis: categoryAxis('', fd.features.map(short), {
      axisLabel: { rotate: 50, fontSize: FONT_SIZE - 2, color: '#000', interval: 0 },
    }),
    yAxis: categoryAxis('', [...fd.features].reverse().map(short), {
      axisLabel: { fontSize: FONT_SIZE - 2, color: '#000', interval: 0 },
    }),
    visualMap: {
      min: -1,
      max: 1,
      dimension: 2,
      calculable: false,
      orient: 'vertical',
      right: 10,
      top: 'middle',
      text: ['+1', '−1'],
      // Diverging blue–white–red (ColorBrewer RdBu, colour-blind safe).
      inRange: { color: ['#2166AC', '#67A9CF', '#F7F7F7', '#EF8A62', '#B2182B'] },
      textStyle: { fontSize: FONT_SIZE - 1 },
    },
    series: [
      {
        name: label,
        type: 'heatmap',
        data,
        label: {
          show: p <= 12,
          fontSize: FONT_SIZE - 2,
          color: '#000',
          formatter: (x: { value: number[] }) => String(x.value[2]),
        },
        itemStyle: { borderColor: '#fff', borderWidth: 1 },
      },
    ],
  });
}
