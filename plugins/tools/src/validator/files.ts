// Files in the archive: image types, unsafe SVGs, the licence text.
// --- file types -------------------------------------------------------------------------------
import { text } from './types.ts';

export function imageType(data: Uint8Array): 'png' | 'jpeg' | 'gif' | 'svg' | undefined {
  if (data.length >= 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (text(data.subarray(0, 6)).startsWith('GIF8')) return 'gif';
  if (/<svg[\s>]/i.test(text(data.subarray(0, 4096)))) return 'svg';
  return undefined;
}

export const EXTENSION_TYPES: Record<string, string> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.gif': 'gif',
  '.svg': 'svg',
};

// pkg/svgvalidate: these elements anywhere, or any attribute starting with `on`, make an SVG unsafe
const SVG_FORBIDDEN_ELEMENTS = new Set([
  'annotation-xml',
  'audio',
  'colgroup',
  'iframe',
  'math',
  'mi',
  'mn',
  'mo',
  'ms',
  'mtext',
  'noembed',
  'noframes',
  'noscript',
  'plaintext',
  'script',
  'template',
  'thead',
  'xmp',
]);

export function unsafeSvgReason(svg: string): string | undefined {
  const withoutComments = svg.replace(/<!--[\s\S]*?-->/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  for (const tag of withoutComments.matchAll(/<\/?\s*([A-Za-z][\w.:-]*)([^>]*)>/g)) {
    const local = (tag[1] ?? '').split(':').pop()!.toLowerCase();
    if (SVG_FORBIDDEN_ELEMENTS.has(local)) return `Invalid element ${tag[1]}`;
    for (const attribute of (tag[2] ?? '').matchAll(/([^\s=/"']+)\s*=/g)) {
      const name = (attribute[1] ?? '').toLowerCase();
      if ((name.split(':').pop() ?? '').startsWith('on')) return `Invalid attribute ${attribute[1]}`;
    }
  }
  return undefined;
}

/** Detects the licence the way go-license-detector would for the texts the catalog accepts. */
export function detectLicense(licence: string): string | undefined {
  const normalised = licence.replace(/\s+/g, ' ');
  if (
    /Apache License,? Version 2\.0/i.test(normalised) &&
    /TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION/i.test(normalised)
  )
    return 'Apache-2.0';
  if (/GNU AFFERO GENERAL PUBLIC LICENSE Version 3/i.test(normalised)) return 'AGPL-3.0';
  if (/GNU LESSER GENERAL PUBLIC LICENSE Version 3/i.test(normalised)) return 'LGPL-3.0';
  if (/GNU GENERAL PUBLIC LICENSE Version 3/i.test(normalised)) return 'GPL-3.0';
  if (/Permission is hereby granted, free of charge, to any person obtaining a copy/i.test(normalised)) return 'MIT';
  if (
    /Redistribution and use in source and binary forms, with or without modification, are permitted/i.test(normalised)
  )
    return 'BSD';
  return undefined;
}
