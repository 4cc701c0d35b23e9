/**
 * `GET /api/reports/:year` (JSON, or CSV with `?format=csv`) and `GET /api/reports/:year/print`
 * (the printable page): the yearly report of art. 12.5 for a year in Vietnam, or a range within
 * `?from=&to=`. Reading it needs `viewer`. Bad input is 400 `{error, field}`.
 */
import type { FastifyReply } from 'fastify';
import type { RouteModule } from '../api/http-api.js';
import { reportCsv } from './report-csv.js';
import { reportHtml } from './report-html.js';
import { parsePeriod, yearPeriod } from './report-period.js';
import { type ReportSources, reportFor } from './report-source.js';

type Request = {
  Params: { year: string };
  Querystring: { from?: string; to?: string; format?: string };
};

export function reportsRoutes(sources: ReportSources): RouteModule {
  const report = async (params: Request['Params'], query: Request['Querystring'], reply: FastifyReply) => {
    const parsed = parsePeriod(params.year, query.from, query.to);
    if (!parsed.ok) {
      reply.code(400).send({ error: parsed.error, field: parsed.field });
      return null;
    }
    return reportFor(sources, parsed.period);
  };

  return (app) => {
    app.get<Request>('/api/reports/:year', { config: { access: 'viewer' } }, async (req, reply) => {
      const format = req.query.format ?? 'json';
      if (format !== 'json' && format !== 'csv')
        return reply.code(400).send({ error: 'format must be json or csv', field: 'format' });
      const r = await report(req.params, req.query, reply);
      if (!r) return reply;
      if (format === 'json') return r;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="hnth-report-${req.params.year}.csv"`)
        .send(reportCsv(r));
    });

    app.get<Request>('/api/reports/:year/print', { config: { access: 'viewer' } }, async (req, reply) => {
      const r = await report(req.params, req.query, reply);
      if (!r) return reply;
      const whole = yearPeriod(Number(req.params.year));
      const title =
        r.period.from === whole.from && r.period.to === whole.to
          ? `Báo cáo đánh giá hiệu quả hệ thống hội nghị truyền hình trực tuyến năm ${req.params.year}`
          : 'Báo cáo đánh giá hiệu quả hệ thống hội nghị truyền hình trực tuyến';
      return reply.header('content-type', 'text/html; charset=utf-8').send(reportHtml(r, title));
    });
  };
}
