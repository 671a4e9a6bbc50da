import { useState } from 'react';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { getCompoundEntityRef } from '@backstage/catalog-model';
import Button from '@material-ui/core/Button';
import GetAppIcon from '@material-ui/icons/GetApp';
import { gitopsApiRef } from '../../api';

/** Hands a blob to the browser as a download of `filename`. */
function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  document.body.appendChild(anchor);
  anchor.click();
  anchor.remove();
  // After the click has started the download; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * Downloads the chargeback CSV of the window. The file is read through the fetch API (which adds
 * the user's Backstage token) and saved from a Blob: a plain link to the backend would be sent
 * without the token and refused.
 */
export const DownloadCsvButton = ({ window }: { window: string }) => {
  const { entity } = useEntity();
  const api = useApi(gitopsApiRef);
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  return (
    <Button
      size="small"
      variant="outlined"
      startIcon={<GetAppIcon />}
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        try {
          const csv = await api.getEstateCostCsv(getCompoundEntityRef(entity), {
            window,
          });
          saveBlob(csv.blob, csv.filename);
        } catch (e) {
          alertApi.post({
            message: `CSV download failed: ${(e as Error).message}`,
            severity: 'error',
          });
        } finally {
          setBusy(false);
        }
      }}
    >
      Download CSV
    </Button>
  );
};
