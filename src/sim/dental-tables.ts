// Standard crown dimensions (mm) of the permanent dentition, central incisor to second molar,
// after Wheeler's Dental Anatomy (mean values): mesio-distal width, bucco-lingual depth and
// cervico-occlusal crown height.

export type ToothType = 'central' | 'lateral' | 'canine' | 'premolar1' | 'premolar2' | 'molar1' | 'molar2';
export const TOOTH_TYPES: ToothType[] = ['central', 'lateral', 'canine', 'premolar1', 'premolar2', 'molar1', 'molar2'];

export interface CrownSize {
  mesioDistal: number;
  buccoLingual: number;
  height: number;
}

export const CROWN_SIZES: Record<'upper' | 'lower', Record<ToothType, CrownSize>> = {
  upper: {
    central: { mesioDistal: 8.5, buccoLingual: 7.0, height: 10.5 },
    lateral: { mesioDistal: 6.5, buccoLingual: 6.0, height: 9.0 },
    canine: { mesioDistal: 7.5, buccoLingual: 8.0, height: 10.0 },
    premolar1: { mesioDistal: 7.0, buccoLingual: 9.0, height: 8.5 },
    premolar2: { mesioDistal: 6.5, buccoLingual: 9.0, height: 8.5 },
    molar1: { mesioDistal: 10.0, buccoLingual: 11.0, height: 7.5 },
    molar2: { mesioDistal: 9.0, buccoLingual: 11.0, height: 7.0 },
  },
  lower: {
    central: { mesioDistal: 5.0, buccoLingual: 6.0, height: 9.0 },
    lateral: { mesioDistal: 5.5, buccoLingual: 6.0, height: 9.5 },
    canine: { mesioDistal: 7.0, buccoLingual: 7.5, height: 11.0 },
    premolar1: { mesioDistal: 7.0, buccoLingual: 7.5, height: 8.5 },
    premolar2: { mesioDistal: 7.0, buccoLingual: 8.0, height: 8.0 },
    molar1: { mesioDistal: 11.0, buccoLingual: 10.5, height: 7.5 },
    molar2: { mesioDistal: 10.5, buccoLingual: 10.0, height: 7.0 },
  },
};

/**
 * FDI number of a tooth: quadrant (1 upper right, 2 upper left, 3 lower left, 4 lower right)
 * times 10 plus its position from the midline (1 central incisor .. 7 second molar).
 */
export function fdiNumber(jaw: 'upper' | 'lower', side: 'right' | 'left', position: number): number {
  const quadrant = jaw === 'upper' ? (side === 'right' ? 1 : 2) : side === 'left' ? 3 : 4;
  return quadrant * 10 + position;
}
