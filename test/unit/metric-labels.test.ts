import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { apiMetrics, boundedLabel, labelValue, routeLabel } from '../../src/observability/metrics';

describe('metric labels: senders cannot mint series', () => {
  it('keeps a label printable and short', () => {
    assert.equal(labelValue('Okta.BruteForce <script>'), 'Okta.BruteForce__script_');
    assert.equal(labelValue('x'.repeat(300)).length, 100);
    assert.equal(labelValue(undefined), 'unknown');
  });

  it('names the first distinct values and counts the rest as "other", known ones still by name', () => {
    const detection = boundedLabel(3);
    assert.deepEqual(['a', 'b', 'a', 'c', 'd', 'e', 'b'].map(detection), ['a', 'b', 'a', 'c', 'other', 'other', 'b']);
  });

  it('keeps the known values by name even after a flood of invented ones', () => {
    const detection = boundedLabel(2, ['Okta.BruteForceLogins']);
    assert.deepEqual(['x1', 'x2', 'x3', 'Okta.BruteForceLogins'].map(detection), ['x1', 'x2', 'other', 'Okta.BruteForceLogins']);
  });

  it('an authenticated sender with a new detection id per alert adds at most the bound in series', async () => {
    const registry = new Registry();
    const m = apiMetrics(registry);
    for (let i = 0; i < 2_000; i++) m.received.inc({ source: 'generic', log_type: m.label.logType('Box.Event'), detection: m.label.detection(`Custom.${i}`), status: 'started' });
    const series = (await registry.getSingleMetric('autotriage_alerts_received_total')!.get()).values;
    assert.equal(series.length, 501, '500 named detections and "other"');
    assert.equal(series.find((v) => v.labels.detection === 'other')!.value, 1_500);
    assert.equal(m.label.detection('Standard.BruteForceByIP'), 'Standard.BruteForceByIP', "the routing table's detections keep their name");
  });

  it('bounds the combinations too: a sender varying source, LogType and detection together adds at most 1,000 series', async () => {
    const registry = new Registry();
    const m = apiMetrics(registry);
    for (let i = 0; i < 3_000; i++) {
      m.received.inc({ ...m.receivedLabels({ source: `s${i % 40}`, logType: `Lt.${i % 190}`, detectionId: `Custom.${i % 450}` }), status: 'started' });
    }
    m.received.inc({ ...m.receivedLabels({ source: 's-late', logType: 'Okta.SystemLog', detectionId: 'Okta.BruteForceLogins' }), status: 'started' });
    const series = (await registry.getSingleMetric('autotriage_alerts_received_total')!.get()).values;
    assert.ok(series.length <= 1_002, `${series.length} series`);
    assert.ok(series.some((v) => v.labels.detection === 'Okta.BruteForceLogins' && v.labels.source === 'other'), 'a known detection keeps its name past the bound');
    assert.equal(series.reduce((n, v) => n + v.value, 0), 3_001, 'every alert counted');
  });

  it('counts unknown routes as "other"', () => {
    assert.equal(routeLabel('/Webhooks/Panther/'), '/webhooks/panther');
    assert.equal(routeLabel('/wp-admin'), 'other');
  });
});
