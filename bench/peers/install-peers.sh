#!/usr/bin/env bash
# Installs the Python peers used by bench/peers/peers.py (Debian packages only;
# PyPI is not reachable from the project's machines). Idempotent: does nothing
# when the system python already has torch, numpy and scikit-learn.
set -euo pipefail

PY=/usr/bin/python3
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

if "$PY" -c "import torch, numpy, sklearn" >/dev/null 2>&1; then
    echo "install-peers: torch, numpy and sklearn already importable by $PY" >&2
else
    echo "install-peers: installing python3-torch python3-numpy python3-sklearn" >&2
    $SUDO apt-get update
    $SUDO apt-get install -y python3-torch python3-numpy python3-sklearn
fi

# threadpoolctl is optional (peers.py uses it only to report the BLAS config);
# try to install it but do not fail if the package is unavailable.
if ! "$PY" -c "import threadpoolctl" >/dev/null 2>&1; then
    $SUDO apt-get install -y python3-threadpoolctl >/dev/null 2>&1 || \
        echo "install-peers: python3-threadpoolctl not installed (optional)" >&2
fi

"$PY" -c "import torch, numpy, sklearn; print('install-peers: python', __import__('sys').version.split()[0], 'numpy', numpy.__version__, 'torch', torch.__version__, 'sklearn', sklearn.__version__)"
