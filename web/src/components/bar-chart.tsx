import { BarChart as EchartsBar } from 'echarts/charts';
import { AriaComponent, GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what a bar chart needs: the report page's chunk stays small.
echarts.use([EchartsBar, GridComponent, TooltipComponent, AriaComponent, CanvasRenderer]);

/** A horizontal bar chart of shares (0..1) per name, as percentages. */
export function ShareBarChart({ title, rows }: { title: string; rows: { name: string; share: number }[] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      aria: { enabled: true, label: { description: `${title}：${rows.map((r) => `${r.name}${(r.share * 100).toFixed(1)}%`).join('，')}` } },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      yAxis: { type: 'category', data: rows.map((r) => r.name), inverse: true },
      series: [{ type: 'bar', data: rows.map((r) => Number((r.share * 100).toFixed(1))), itemStyle: { color: '#b8312f' }, label: { show: true, position: 'right', formatter: '{c}%' } }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [title, rows]);
  return <div ref={ref} role="img" aria-label={title} style={{ width: '100%', height: Math.max(160, rows.length * 28 + 40) }} />;
}
