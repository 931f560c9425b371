/** The element names of Vroegsignaal's own UI in an EHR page: never read as page content. */
export const SIDEBAR_HOST = 'vroegsignaal-sidebar';
export const TEACH_HOST = 'vroegsignaal-teach';
