import type { GitopsHealthResponse } from '@internal/backstage-plugin-gitops-common';
import express from 'express';
import Router from 'express-promise-router';

export async function createRouter(): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: GitopsHealthResponse = { status: 'ok' };
    res.json(body);
  });

  return router;
}
