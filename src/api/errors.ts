// Renders every failure as {error:{code,message}} with the right status; never a stack trace.
import type { FastifyError, FastifyInstance } from 'fastify'
import { EarshotError, errorCatalogue, type ErrorCode } from '../core/errors.ts'

export const ErrorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const

const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'VALIDATION',
  FST_ERR_CTP_INVALID_JSON_BODY: 'VALIDATION',
  FST_ERR_VALIDATION: 'VALIDATION',
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | EarshotError, request, reply) => {
    if (error instanceof EarshotError) {
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } })
    }
    const mapped = (error.code !== undefined ? fastifyCodes[error.code] : undefined) ?? (error.validation !== undefined ? 'VALIDATION' : undefined)
    if (mapped !== undefined) {
      const message = mapped === 'VALIDATION' ? `${errorCatalogue.VALIDATION.message}: ${error.message}` : errorCatalogue[mapped].message
      return reply.status(errorCatalogue[mapped].status).send({ error: { code: mapped, message } })
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send({ error: { code: 'VALIDATION', message: error.message } })
    }
    request.log.error({ err: error }, 'unhandled error')
    return reply.status(500).send({ error: { code: 'INTERNAL', message: `${errorCatalogue.INTERNAL.message} (request ${request.id})` } })
  })
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url.split('?')[0]}` } })
  })
}
