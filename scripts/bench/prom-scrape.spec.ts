import { histogramQuantile, sum, type Scrape } from './prom-scrape';

const s: Scrape = new Map([
  ['x_total{topic="a",outcome="ok"}', 3], ['x_total{topic="b",outcome="ok"}', 4], ['x_total{topic="a",outcome="dropped"}', 1],
  ['h_bucket{le="0.1"}', 50], ['h_bucket{le="0.5"}', 90], ['h_bucket{le="1"}', 100], ['h_bucket{le="+Inf"}', 100],
]);

describe('prom-scrape', () => {
  it('sums matching series', () => {
    expect(sum(s, 'x_total', 'outcome="ok"')).toBe(7);
    expect(sum(s, 'x_total')).toBe(8);
  });
  it('interpolates quantiles within buckets like histogram_quantile', () => {
    expect(histogramQuantile(s, 'h', 0.5)).toBeCloseTo(0.1);
    expect(histogramQuantile(s, 'h', 0.7)).toBeCloseTo(0.3);
    expect(histogramQuantile(s, 'h', 0.95)).toBeCloseTo(0.75);
    expect(histogramQuantile(new Map(), 'h', 0.5)).toBeNull();
  });
});
