#!/usr/bin/env bash
# System packages the tests need, from Debian, installed only when missing: Chromium for the e2e
# suite, git for the simulated gitops repository and kubectl, which a fleet-simulator test runs
# against the simulated clusters. Debian ships kubectl in the package kubernetes-client; a
# package named kubectl exists only with the Kubernetes (or Google Cloud) apt repository, and is
# taken when apt knows it.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v git >/dev/null 2>&1 || missing+=(git)
need_kubectl=false
command -v kubectl >/dev/null 2>&1 || need_kubectl=true
if [ ${#missing[@]} -gt 0 ] || $need_kubectl; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  if $need_kubectl; then
    if [ -n "$(apt-cache policy kubectl 2>/dev/null | grep -E '^  Candidate: [^(]')" ]; then
      missing+=(kubectl)
    else
      missing+=(kubernetes-client)
    fi
  fi
  echo "installing ${missing[*]} with apt-get" >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
