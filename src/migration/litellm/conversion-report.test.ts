import { describe, expect, it } from 'vitest';
import { ConversionReport, formatLitellmPath } from './conversion-report.ts';
import { reportLeftoverSettings } from './report-leftover-settings.ts';

describe('formatLitellmPath', () => {
  it.each<[(string | number)[], string]>([
    [
      ['model_list', 0, 'litellm_params', 'api_key'],
      'litellm.model_list[0].litellm_params.api_key',
    ],
    [
      ['router_settings', 'fallbacks', 0, 'gpt-3.5-turbo'],
      'litellm.router_settings.fallbacks[0]["gpt-3.5-turbo"]',
    ],
    [
      ['environment_variables', 'A\nB\u001b[31m'],
      'litellm.environment_variables["A\\nB\\u001b[31m"]',
    ],
  ])('%j reads %s', (path, text) => {
    expect(formatLitellmPath(path)).toBe(text);
  });
});

describe('reportLeftoverSettings', () => {
  it('reports what was neither carried nor noted, each setting once, without values', () => {
    const report = new ConversionReport();
    report.carried(['model_list', 0, 'litellm_params', 'model']);
    report.note(['router_settings', 'num_retries'], 'carried');
    reportLeftoverSettings(
      {
        model_list: [{ model_name: 'x', litellm_params: { model: 'openai/x', seed: 7 } }],
        router_settings: { num_retries: 2, redis_host: 'secret-host' },
        litellm_settings: { cache_params: { type: 'redis', password: 'p' }, empty: null },
        general_settings: { master_key: 'sk-1' },
      },
      report,
    );
    expect(report.lines()).toEqual([
      'litellm.router_settings.num_retries: carried',
      'litellm.model_list[0].model_name: not carried: not a setting of a Signalbox model group target',
      "litellm.model_list[0].litellm_params.seed: not carried: a LiteLLM call parameter with no Signalbox provider setting (request parameters are the client's to send)",
      'litellm.router_settings.redis_host: not carried: Signalbox has no Redis setting; each replica keeps its own routing state',
      'litellm.litellm_settings.cache_params: not carried: Signalbox has no response cache',
      'litellm.general_settings.master_key: not carried: Signalbox creates its own admin key on first start (or takes SIGNALBOX_ADMIN_KEY); create virtual keys with `signalbox keys create`',
    ]);
  });
});
