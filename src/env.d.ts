// What a chapter page tells the components inside its MDX (set by src/pages/chapters/[...slug].astro).
declare namespace App {
	interface Locals {
		chapter?: {
			/** The chapter's number, which keys its saved exercise answers. */
			number: number;
			/** The MDX file, for build errors. */
			file: string;
			/** The `<Exercise>` elements the MDX source holds, as the home page counts them. */
			exercises: import('./lib/course.ts').ExerciseRef[];
			/** Exercise ids rendered so far on this page (duplicates are refused). */
			seenExerciseIds: Set<string>;
		};
	}
}
