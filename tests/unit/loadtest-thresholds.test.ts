import { percentile, Recorder } from '../../loadtest/metrics.js';
import { evaluateThresholds, parseKey } from '../../loadtest/thresholds.js';

function recorderWith(durations: number[], failed: number[]): Recorder {
  const recorder = new Recorder();
  durations.forEach((value, i) =>
    recorder.add('http_req_duration', value, { function: i % 2 === 0 ? 'map' : 'coordinator' }),
  );
  for (const value of failed) recorder.add('http_req_failed', value, { function: 'map' });
  return recorder;
}

describe('percentile', () => {
  it.each([
    [[10], 95, 10],
    [[1, 2, 3, 4, 5], 50, 3],
    [[1, 2, 3, 4, 5], 95, 4.8],
    [[0, 100], 90, 90],
  ])('of %j at p(%d) is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 9);
  });
});

describe('evaluateThresholds', () => {
  const durations = Array.from({ length: 100 }, (_, i) => i + 1);

  it.each<[string, string, boolean]>([
    ['http_req_duration', 'p(95)<100', true],
    ['http_req_duration', 'p(95)<50', false],
    ['http_req_duration', 'max<=100', true],
    ['http_req_duration{function:map}', 'max<100', true],
    ['http_req_duration{function:coordinator}', 'max<100', false],
    ['http_req_failed', 'rate==0', false],
    ['http_req_failed', 'rate<0.5', true],
  ])('%s %s passes: %s', (key, expression, ok) => {
    const recorder = recorderWith(durations, [0, 0, 0, 1]);

    const { results } = evaluateThresholds({ [key]: [expression] }, recorder, 10);

    expect(results).toHaveLength(1);
    expect(results[0].ok).toBe(ok);
  });

  it('fails a threshold without samples', () => {
    const { results } = evaluateThresholds({ checks: ['rate==1'] }, new Recorder(), 10);

    expect(results[0].ok).toBe(false);
    expect(results[0].value).toBeUndefined();
  });

  it('rejects an unknown metric', () => {
    expect(() => parseKey('http_req_speed')).toThrow(/invalid threshold key "http_req_speed"/);
  });

  it('rejects a malformed expression', () => {
    expect(() => evaluateThresholds({ checks: ['rate is 1'] }, recorderWith([], []), 10)).toThrow(
      /invalid threshold "rate is 1" for checks/,
    );
  });
});
