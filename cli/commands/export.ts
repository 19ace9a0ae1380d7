import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { renderCompose } from '../export/compose.js';
import { selectExportable, selectFromProject, type ExportOptions, type ExportSelection } from '../export/export-model.js';
import { renderKubernetes } from '../export/kubernetes.js';
import { renderSystemd, systemdUnits } from '../export/systemd.js';
import { withDaemon } from '../daemon/connect.js';
import { loadProject, projectPath } from '../project/project.js';
import { writeOut } from '../output/output.js';
import { parsePairs } from '../lifecycle/register-spec.js';
import { UserError, usageError } from '../client/index.js';

export interface ExportCommandOptions {
  image?: string[];
  env: boolean;
  gateway: string;
  domain: string;
  basePort: number;
  out?: string;
  file?: string;
}

const FORMATS = ['k8s', 'compose', 'systemd'] as const;
type Format = (typeof FORMATS)[number];

function isFormat(value: string): value is Format {
  return (FORMATS as readonly string[]).includes(value);
}

/** `herve export k8s|compose|systemd`: the registered services as another engine's files. */
export async function run(format: string, options: ExportCommandOptions): Promise<number> {
  if (!isFormat(format)) throw usageError(`unknown export format "${format}"`, `choose one of: ${FORMATS.join(', ')}`);
  const exportOptions: ExportOptions = { images: parsePairs(options.image, '--image'), includeEnv: options.env };
  const selection = await exportedServices(options.file);
  const unknownImages = Object.keys(exportOptions.images).filter((name) => !selection.services.some((service) => service.name === name));
  if (unknownImages.length > 0) throw usageError(`--image names services that are not exported: ${unknownImages.join(', ')}`, 'see them with: herve ls');
  if (selection.services.length === 0) process.stderr.write('note: no service to export — register one first (herve register echo)\n');
  if (format === 'systemd') return writeSystemd(selection, exportOptions, options);
  const text =
    format === 'k8s'
      ? renderKubernetes(selection, { ...exportOptions, gateway: options.gateway, domain: options.domain })
      : renderCompose(selection, { ...exportOptions, basePort: options.basePort });
  if (options.out === undefined) {
    await writeOut(text);
    return 0;
  }
  const path = resolve(options.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text, { mode: 0o600 });
  process.stderr.write(`wrote ${path}\n`);
  return 0;
}

/** The registry's services; with a herve.yaml (-f, or one here), those it names, with its dependencies. */
async function exportedServices(file: string | undefined): Promise<ExportSelection> {
  const path = projectPath(file);
  const project = path === undefined ? undefined : loadProject(path);
  const { services } = await withDaemon((client) => client.call('list'));
  if (project === undefined) return selectExportable(services);
  const selection = selectFromProject(services, project.services);
  if (selection.missing.length > 0) {
    throw new UserError(
      `${selection.missing.join(', ')} in ${project.file} ${selection.missing.length > 1 ? 'are' : 'is'} not registered with the daemon`,
      'apply the file first: herve reload (or herve up -f FILE)',
    );
  }
  return selection;
}

async function writeSystemd(selection: ExportSelection, exportOptions: ExportOptions, options: ExportCommandOptions): Promise<number> {
  const units = systemdUnits(selection, { ...exportOptions, basePort: options.basePort });
  if (options.out === undefined) {
    await writeOut(renderSystemd(units));
    return 0;
  }
  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  // Mode 0600: the units carry the services' environment.
  for (const unit of units) writeFileSync(join(dir, unit.fileName), unit.text, { mode: 0o600 });
  process.stderr.write(`wrote ${units.length} unit(s) to ${dir}\n`);
  return 0;
}
