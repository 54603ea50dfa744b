// The offline world: Natural Earth 1:110m countries from world-atlas (bundled, no tile server),
// turned into GeoJSON once and into canvas paths per panel size.
import { geoNaturalEarth1, geoPath, type GeoProjection } from 'd3-geo';
import type { FeatureCollection, MultiLineString } from 'geojson';
import { feature, mesh } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countries110m from 'world-atlas/countries-110m.json';

const topology = countries110m as unknown as Topology<{ countries: GeometryCollection; land: GeometryCollection }>;
let world: { land: FeatureCollection; borders: MultiLineString } | undefined;

function loadWorld() {
  world ??= {
    land: feature(topology, topology.objects.land) as unknown as FeatureCollection,
    borders: mesh(topology, topology.objects.countries, (a, b) => a !== b),
  };
  return world;
}

export interface WorldPaths {
  projection: GeoProjection;
  sphere: string;
  land: string;
  borders: string;
  graticule?: string;
}

// a dashboard re-mounts panels often at the same few sizes: keep the last paths per size
const cache = new Map<string, WorldPaths>();

/** Projection fitted to the size and the SVG path strings of sphere, land and borders. */
export function worldPaths(width: number, height: number): WorldPaths {
  const key = `${width}x${height}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const paths = computeWorldPaths(width, height);
  cache.set(key, paths);
  if (cache.size > 8) cache.delete(cache.keys().next().value!);
  return paths;
}

function computeWorldPaths(width: number, height: number): WorldPaths {
  const { land, borders } = loadWorld();
  const projection = geoNaturalEarth1().fitExtent(
    [
      [4, 4],
      [Math.max(8, width - 4), Math.max(8, height - 4)],
    ],
    { type: 'Sphere' }
  );
  const path = geoPath(projection);
  return { projection, sphere: path({ type: 'Sphere' }) ?? '', land: path(land) ?? '', borders: path(borders) ?? '' };
}
