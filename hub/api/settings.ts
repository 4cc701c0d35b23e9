/** Where the API and dashboard listen, and who may read /metrics. */
export const httpSettings = {
  port: { doc: 'Port of the API and dashboard.', format: 'port', default: 8080, env: 'HNTH_HTTP_PORT' },
  trustProxy: {
    doc: 'Behind a reverse proxy that serves HTTPS: trust its X-Forwarded-* headers (client address for login limits, https for Secure cookies).',
    format: Boolean,
    default: false,
    env: 'HNTH_HTTP_TRUST_PROXY',
  },
  host: {
    doc: 'Address the API and dashboard listen on.',
    format: String,
    default: '0.0.0.0',
    env: 'HNTH_HTTP_HOST',
  },
};

export const metricsSettings = {
  token: {
    doc: 'Bearer token Prometheus sends to GET /metrics (at least 16 characters); empty: /metrics is off.',
    format: (value: unknown) => {
      if (value !== '' && (typeof value !== 'string' || !/^\S{16,}$/.test(value)))
        throw new Error('must be empty (metrics off) or at least 16 characters without spaces');
    },
    default: '',
    sensitive: true,
    env: 'HNTH_METRICS_TOKEN',
  },
};
